import TextField from '@material-ui/core/TextField';
import { memo, ReactNode } from 'react';
import { ChangeField, fieldId, FormField } from './form';

/**
 * One text field of the form, outlined and labelled, with its error in place
 * of its help. It renders only when its own props change: the form renders
 * on every keystroke, and a field (a multiline one especially) measuring
 * itself each time makes typing lag.
 */
export const FormTextField = memo(
  (props: {
    field: Exclude<FormField, 'personalDataFields'>;
    label: string;
    value: string;
    onChange: ChangeField;
    onBlur?: (field: FormField) => void;
    error?: string;
    /** Shown while there is no error. */
    help: ReactNode;
    required?: boolean;
    multiline?: boolean;
    placeholder?: string;
    /** Pass a constant: a new object each render defeats the memo. */
    inputProps?: Record<string, unknown>;
  }) => {
    const { field, onChange, onBlur } = props;
    return (
      <TextField
        id={fieldId(field)}
        label={props.label}
        required={props.required}
        fullWidth
        multiline={props.multiline}
        minRows={props.multiline ? 3 : undefined}
        variant="outlined"
        margin="normal"
        placeholder={props.placeholder}
        value={props.value}
        onChange={event => onChange(field, event.target.value)}
        onBlur={onBlur && (() => onBlur(field))}
        error={Boolean(props.error)}
        helperText={props.error ?? props.help}
        inputProps={props.inputProps}
      />
    );
  },
);
