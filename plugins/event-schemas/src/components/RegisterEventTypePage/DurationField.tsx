import { CODE_INPUT_PROPS, formatIsoDuration } from '../shared';
import { ChangeField, FormField } from './form';
import { FormTextField } from './FormTextField';

/**
 * An optional ISO 8601 duration (`P7D`, `PT4H`), read back in words as the
 * user types so that `PT4M` is not mistaken for four months.
 */
export const DurationField = (props: {
  field: 'retention.raw' | 'retention.delivered' | 'sla.maxLateness';
  label: string;
  value: string;
  onChange: ChangeField;
  placeholder: string;
  /** What the duration is for, lowercase; shown while there is no error. */
  help: string;
  error?: string;
  onBlur?: (field: FormField) => void;
}) => {
  const { help, value } = props;
  const reading =
    value.trim() === ''
      ? help.charAt(0).toUpperCase() + help.slice(1)
      : `${formatIsoDuration(value.trim())}: ${help}`;
  return (
    <FormTextField
      field={props.field}
      label={props.label}
      value={value}
      onChange={props.onChange}
      onBlur={props.onBlur}
      placeholder={props.placeholder}
      error={props.error}
      help={reading}
      inputProps={CODE_INPUT_PROPS}
    />
  );
};
