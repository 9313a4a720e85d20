import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter } from '@codemirror/lint';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import { useTheme } from '@material-ui/core/styles';
import CodeMirror from '@uiw/react-codemirror';
import { useId } from 'react';

// Module constants: new objects on each render would make the editor
// reconfigure itself on every keystroke.
const extensions = [json(), linter(jsonParseLinter()), lintGutter()];
const basicSetup = { tabSize: 2 };

/**
 * A schema text editor: JSON highlighting and syntax errors marked as you
 * type (JSON Schema and Avro schemas are both JSON), in the app's theme.
 * Tab moves focus on (Escape then Tab from inside the editor), so the form
 * stays usable from the keyboard.
 */
export const SchemaEditor = (props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown below in red: a parse or schema error to fix. */
  error?: string;
  /** Shown below when there is no error. */
  helperText?: string;
  readOnly?: boolean;
  height?: string;
}) => {
  const theme = useTheme();
  const id = useId();
  return (
    <FormControl fullWidth error={Boolean(props.error)} margin="normal">
      <FormLabel id={`${id}-label`} style={{ marginBottom: 8 }}>
        {props.label}
      </FormLabel>
      <CodeMirror
        value={props.value}
        onChange={props.onChange}
        extensions={extensions}
        theme={theme.palette.type === 'dark' ? 'dark' : 'light'}
        height={props.height ?? '320px'}
        readOnly={props.readOnly}
        basicSetup={basicSetup}
        aria-labelledby={`${id}-label`}
        style={{
          border: `1px solid ${
            props.error ? theme.palette.error.main : theme.palette.divider
          }`,
          borderRadius: 4,
          fontSize: 13,
        }}
      />
      {(props.error || props.helperText) && (
        <FormHelperText role={props.error ? 'alert' : undefined}>
          {props.error ?? props.helperText}
        </FormHelperText>
      )}
    </FormControl>
  );
};
