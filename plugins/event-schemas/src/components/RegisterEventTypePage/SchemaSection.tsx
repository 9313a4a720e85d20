import { InfoCard } from '@backstage/core-components';
import Checkbox from '@material-ui/core/Checkbox';
import Grid from '@material-ui/core/Grid';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  COMPATIBILITY_MODES,
  COMPATIBILITY_SCOPES,
  EVENT_TYPE_FORMATS,
  EventTypeFormat,
  isDataSubjectCandidate,
} from '@data-collection/plugin-event-schemas-common';
import { memo, useCallback } from 'react';
import { SchemaEditor } from '../SchemaEditor';
import { fieldId, FormBinding } from './form';
import { FormSelectField } from './FormSelectField';
import { SchemaCheck } from './useSchemaCheck';
import {
  DATA_SUBJECT_HELP,
  FORMAT_LABELS,
  COMPATIBILITY_MODE_EXPLANATIONS,
  COMPATIBILITY_SCOPE_EXPLANATIONS,
  SCOPE_LABELS,
} from '../shared';

// The editor reconfigures CodeMirror whenever it renders, which is slow;
// typing in the form's other fields should not render it.
const MemoSchemaEditor = memo(SchemaEditor);

/** The schema's words for a valid check: `Valid JSON Schema: 3 fields`. */
function describeValid(format: EventTypeFormat, fields: number): string {
  const what = format === 'avro' ? 'Avro schema' : FORMAT_LABELS[format];
  return `Valid ${what}: ${fields} field${fields === 1 ? '' : 's'}`;
}

/** The schema (version 1), its language and how later versions may differ. */
export const SchemaSection = (props: {
  form: FormBinding;
  /** What the browser found of the schema text. */
  check: SchemaCheck;
  onFormatChange: (format: EventTypeFormat) => void;
}) => {
  const { form, check } = props;
  const { values, errors, change } = form;
  const changeSchema = useCallback(
    (schema: string) => change('schema', schema),
    [change],
  );
  const fields = check.valid ? check.fields : [];
  const selected = values.personalDataFields;
  // A selected field the schema lost stays listed, so it can be unselected.
  const options = [
    ...fields.map(field => ({ path: field.path, type: field.type })),
    ...selected
      .filter(path => !fields.some(field => field.path === path))
      .map(path => ({ path, type: 'not in the schema' })),
  ];
  const subject = values.dataSubject;
  const candidates = fields.filter(isDataSubjectCandidate);
  // A subject the schema lost stays listed, as the personal fields do.
  const subjectOptions = [
    ...candidates.map(field => ({ path: field.path, type: field.type })),
    ...(subject && !candidates.some(field => field.path === subject)
      ? [{ path: subject, type: 'not a string field of the schema' }]
      : []),
  ];
  // The subject is personal data itself, as the registry counts it.
  const chooseSubject = (path: string) => {
    change('dataSubject', path);
    if (path && !selected.includes(path)) {
      change('personalDataFields', [...selected, path]);
    }
  };
  const schemaError =
    errors.schema ?? (check.valid ? undefined : check.message);

  return (
    <InfoCard title="Schema">
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          <FormSelectField
            field="format"
            label="Format"
            value={values.format}
            options={EVENT_TYPE_FORMATS}
            optionLabel={format => FORMAT_LABELS[format]}
            onChange={props.onFormatChange}
            error={errors.format}
            help="The schema language"
          />
        </Grid>
        <Grid item xs={12} md={8}>
          <FormSelectField
            field="compatibility"
            label="Compatibility mode"
            value={values.compatibility}
            options={COMPATIBILITY_MODES}
            onChange={mode => change('compatibility', mode)}
            error={errors.compatibility}
            help={COMPATIBILITY_MODE_EXPLANATIONS[values.compatibility]}
          />
        </Grid>
        <Grid item xs={12} md={4} />
        <Grid item xs={12} md={8}>
          <FormSelectField
            field="compatibilityScope"
            label="Checked against"
            value={values.compatibilityScope}
            options={COMPATIBILITY_SCOPES}
            optionLabel={scope => SCOPE_LABELS[scope]}
            onChange={scope => change('compatibilityScope', scope)}
            error={errors.compatibilityScope}
            help={COMPATIBILITY_SCOPE_EXPLANATIONS[values.compatibilityScope]}
          />
        </Grid>
        <Grid item xs={12}>
          {/* The id lets the form take the user to the editor. */}
          <div id={fieldId('schema')}>
            <MemoSchemaEditor
              label="Schema (version 1)"
              value={values.schema}
              onChange={changeSchema}
              error={schemaError}
              helperText={
                check.valid
                  ? describeValid(values.format, fields.length)
                  : undefined
              }
            />
          </div>
        </Grid>
        <Grid item xs={12} md={6}>
          <TextField
            id={fieldId('personalDataFields')}
            select
            label="Personal data fields"
            fullWidth
            variant="outlined"
            margin="normal"
            value={selected}
            disabled={options.length === 0}
            SelectProps={{
              multiple: true,
              renderValue: value => (value as string[]).join(', '),
            }}
            onChange={event =>
              change(
                'personalDataFields',
                event.target.value as unknown as string[],
              )
            }
            error={Boolean(errors.personalDataFields)}
            helperText={
              errors.personalDataFields ??
              (options.length === 0
                ? 'The schema’s fields are listed here once it is valid'
                : 'Fields that hold data about a person: they are encrypted with the data subject’s key before anything is stored')
            }
          >
            {options.map(option => (
              <MenuItem
                key={option.path}
                value={option.path}
                // Personal while it is the subject: choose another to uncheck it.
                disabled={option.path === subject}
              >
                <Checkbox
                  checked={selected.includes(option.path)}
                  size="small"
                  inputProps={{ 'aria-hidden': true }}
                  tabIndex={-1}
                />
                <ListItemText
                  primary={option.path}
                  secondary={
                    option.path === subject
                      ? `${option.type}, the data subject`
                      : option.type
                  }
                />
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} md={6}>
          <TextField
            id={fieldId('dataSubject')}
            select
            label="Data subject"
            fullWidth
            variant="outlined"
            margin="normal"
            value={subject}
            disabled={subjectOptions.length === 0 && subject === ''}
            SelectProps={{
              displayEmpty: true,
              renderValue: value => (value as string) || 'None',
            }}
            InputLabelProps={{ shrink: true }}
            onChange={event => chooseSubject(event.target.value)}
            error={Boolean(errors.dataSubject)}
            helperText={errors.dataSubject ?? DATA_SUBJECT_HELP}
          >
            <MenuItem value="">
              <ListItemText
                primary="None"
                secondary="The events hold no personal data"
              />
            </MenuItem>
            {subjectOptions.map(option => (
              <MenuItem key={option.path} value={option.path}>
                <ListItemText primary={option.path} secondary={option.type} />
              </MenuItem>
            ))}
          </TextField>
        </Grid>
      </Grid>
    </InfoCard>
  );
};
