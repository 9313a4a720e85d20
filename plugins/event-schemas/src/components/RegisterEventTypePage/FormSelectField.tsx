import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ReactNode } from 'react';
import { fieldId, FormField } from './form';

/**
 * One choice among fixed options, as the form's text fields look: outlined,
 * labelled, its error in place of its help.
 */
export function FormSelectField<V extends string>(props: {
  field: FormField;
  label: string;
  value: V;
  options: readonly V[];
  /** How an option reads; the value itself by default. */
  optionLabel?: (option: V) => string;
  onChange: (value: V) => void;
  error?: string;
  /** Shown while there is no error. */
  help: ReactNode;
}) {
  const { optionLabel = option => option } = props;
  return (
    <TextField
      id={fieldId(props.field)}
      select
      label={props.label}
      fullWidth
      variant="outlined"
      margin="normal"
      value={props.value}
      onChange={event => props.onChange(event.target.value as V)}
      error={Boolean(props.error)}
      helperText={props.error ?? props.help}
    >
      {props.options.map(option => (
        <MenuItem key={option} value={option}>
          {optionLabel(option)}
        </MenuItem>
      ))}
    </TextField>
  );
}
