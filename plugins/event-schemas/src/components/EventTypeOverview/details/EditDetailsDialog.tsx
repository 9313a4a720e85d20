import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  COMPATIBILITY_MODES,
  COMPATIBILITY_SCOPES,
  CompatibilityMode,
  CompatibilityScope,
  EventType,
  isDataSubjectCandidate,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FormEvent, useEffect, useId, useState } from 'react';
import { eventSchemasApiRef } from '../../../api';
import {
  checkPersonalData,
  formatSeconds,
  isoDurationSeconds,
  COMPATIBILITY_MODE_EXPLANATIONS,
  COMPATIBILITY_SCOPE_EXPLANATIONS,
  SCOPE_LABELS,
  DATA_SUBJECT_HELP,
} from '../../shared';
import { errorMessage } from '../../shared';
import {
  DetailsField,
  DetailsForm,
  DetailsProblems,
  changeOf,
  formOf,
  problemsOf,
  splitList,
} from './detailsForm';

const NO_PROBLEMS: DetailsProblems = { fields: {}, other: [] };

/** What a duration field says under it: the duration in words, or the rule. */
function durationHelp(value: string, what: (words: string) => string): string {
  const seconds = isoDurationSeconds(value);
  return seconds === undefined || seconds <= 0
    ? 'An ISO 8601 duration, e.g. P30D or PT4H'
    : what(formatSeconds(seconds));
}

/**
 * Changes an event type's details (not its name, format or owner) with a
 * PATCH of what changed. The registry's objections are shown at the fields
 * they name.
 */
export const EditDetailsDialog = (props: {
  open: boolean;
  eventType: EventType;
  /** The latest schema's fields, to pick the personal data and its subject from. */
  fields?: SchemaField[];
  onClose: () => void;
  onSaved: (eventType: EventType) => void;
}) => {
  const { open, eventType, fields, onClose, onSaved } = props;
  const api = useApi(eventSchemasApiRef);
  const titleId = useId();
  const [form, setForm] = useState<DetailsForm>(() => formOf(eventType));
  const [problems, setProblems] = useState<DetailsProblems>(NO_PROBLEMS);
  const [saving, setSaving] = useState(false);
  // Without the schema's fields, personal data is typed: the text as typed,
  // so that a trailing comma survives until the next path.
  const [personalText, setPersonalText] = useState('');

  // Each opening starts from the type as it is now.
  useEffect(() => {
    if (open) {
      setForm(formOf(eventType));
      setPersonalText(eventType.personalDataFields.join(', '));
      setProblems(NO_PROBLEMS);
    }
  }, [open, eventType]);

  const set = (field: DetailsField) => (value: DetailsForm[DetailsField]) => {
    setForm(current => ({ ...current, [field]: value }));
    setProblems(current => ({
      ...current,
      fields: { ...current.fields, [field]: undefined },
    }));
  };

  const fieldProps = (field: Exclude<DetailsField, 'personalDataFields'>) => ({
    // An id links the label and the helper text (where errors show) to the input.
    id: `${titleId}-${field}`,
    value: form[field],
    onChange: (e: { target: { value: string } }) => set(field)(e.target.value),
    error: Boolean(problems.fields[field]),
    fullWidth: true,
    margin: 'dense' as const,
    variant: 'outlined' as const,
    disabled: saving,
  });
  // The registry's personal data rules, checked as the user picks.
  const personalProblems: DetailsProblems['fields'] = checkPersonalData({
    personalDataFields: form.personalDataFields,
    dataSubject: form.dataSubject.trim(),
    fields,
  });
  const problemOf = (field: DetailsField) =>
    problems.fields[field] ?? personalProblems[field];
  const help = (field: DetailsField, text: string) => problemOf(field) ?? text;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const change = changeOf(form, eventType);
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    const changesPersonalData =
      change.personalDataFields !== undefined ||
      change.dataSubject !== undefined;
    if (
      changesPersonalData &&
      (personalProblems.personalDataFields || personalProblems.dataSubject)
    ) {
      return;
    }
    setSaving(true);
    setProblems(NO_PROBLEMS);
    try {
      onSaved(await api.updateEventType(eventType.name, change));
    } catch (e) {
      const error = e as Error;
      setProblems(
        error instanceof ResponseError && error.statusCode === 400
          ? problemsOf(errorMessage(error), change)
          : { fields: {}, other: [errorMessage(error)] },
      );
    } finally {
      setSaving(false);
    }
  };

  const paths = [
    ...new Set([
      ...(fields ?? []).map(field => field.path),
      ...form.personalDataFields,
    ]),
  ];
  const togglePath = (path: string, checked: boolean) =>
    set('personalDataFields')(
      checked
        ? [...form.personalDataFields, path]
        : form.personalDataFields.filter(p => p !== path),
    );
  const subject = form.dataSubject;
  // A subject the schema lost stays listed, as the personal fields do.
  const subjectPaths = [
    ...new Set([
      ...(fields ?? []).filter(isDataSubjectCandidate).map(field => field.path),
      ...(subject ? [subject] : []),
    ]),
  ];
  // The subject is personal data itself, as the registry counts it.
  const chooseSubject = (path: string) => {
    setForm(current => ({
      ...current,
      dataSubject: path,
      personalDataFields:
        path && !current.personalDataFields.includes(path)
          ? [...current.personalDataFields, path]
          : current.personalDataFields,
    }));
    setProblems(current => ({
      ...current,
      fields: {
        ...current.fields,
        dataSubject: undefined,
        personalDataFields: undefined,
      },
    }));
  };

  return (
    <Dialog
      open={open}
      onClose={saving ? undefined : onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={save} noValidate>
        <DialogTitle id={titleId}>Edit details of {eventType.name}</DialogTitle>
        <DialogContent>
          {problems.other.length > 0 && (
            <Box role="alert" mb={1}>
              <Typography color="error" variant="body2">
                The registry did not save the change:
              </Typography>
              {problems.other.map(problem => (
                <Typography key={problem} color="error" variant="body2">
                  {problem}
                </Typography>
              ))}
            </Box>
          )}
          <TextField
            label="Title"
            {...fieldProps('title')}
            helperText={help(
              'title',
              'A short human name, e.g. Playback started',
            )}
          />
          <TextField
            label="Description"
            multiline
            minRows={3}
            {...fieldProps('description')}
            helperText={help(
              'description',
              'What happened when this event is sent',
            )}
          />
          <TextField
            label="Lifecycle"
            {...fieldProps('lifecycle')}
            helperText={help(
              'lifecycle',
              'A word such as experimental, production or deprecated',
            )}
          />
          <TextField
            label="Tags"
            {...fieldProps('tags')}
            helperText={help(
              'tags',
              'Separated by commas; lowercase words joined by dashes',
            )}
          />
          <TextField
            label="Compatibility mode"
            select
            SelectProps={{ native: true }}
            {...fieldProps('compatibility')}
            onChange={e =>
              set('compatibility')(e.target.value as CompatibilityMode)
            }
            helperText={help(
              'compatibility',
              COMPATIBILITY_MODE_EXPLANATIONS[form.compatibility],
            )}
          >
            {COMPATIBILITY_MODES.map(mode => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </TextField>
          <TextField
            label="Checked against"
            select
            SelectProps={{ native: true }}
            {...fieldProps('compatibilityScope')}
            onChange={e =>
              set('compatibilityScope')(e.target.value as CompatibilityScope)
            }
            helperText={help(
              'compatibilityScope',
              COMPATIBILITY_SCOPE_EXPLANATIONS[form.compatibilityScope],
            )}
          >
            {COMPATIBILITY_SCOPES.map(scope => (
              <option key={scope} value={scope}>
                {SCOPE_LABELS[scope]}
              </option>
            ))}
          </TextField>
          <TextField
            label="Raw retention"
            {...fieldProps('retentionRaw')}
            helperText={help(
              'retentionRaw',
              durationHelp(
                form.retentionRaw,
                words => `Raw partitions are kept ${words}`,
              ),
            )}
          />
          <TextField
            label="Delivered retention"
            {...fieldProps('retentionDelivered')}
            helperText={help(
              'retentionDelivered',
              durationHelp(
                form.retentionDelivered,
                words => `Delivered partitions are kept ${words}`,
              ),
            )}
          />
          <TextField
            label="SLA: maximum lateness"
            {...fieldProps('slaMaxLateness')}
            helperText={help(
              'slaMaxLateness',
              durationHelp(
                form.slaMaxLateness,
                words =>
                  `Each hour is delivered at most ${words} after it ends`,
              ),
            )}
          />
          {paths.length > 0 && fields ? (
            <>
              <FormControl
                component="fieldset"
                margin="dense"
                error={Boolean(problemOf('personalDataFields'))}
                disabled={saving}
              >
                <FormLabel component="legend">Personal data fields</FormLabel>
                <FormGroup>
                  {paths.map(path => (
                    <FormControlLabel
                      key={path}
                      label={
                        path === subject ? (
                          <>
                            <code>{path}</code> (data subject)
                          </>
                        ) : (
                          <code>{path}</code>
                        )
                      }
                      control={
                        <Checkbox
                          size="small"
                          checked={form.personalDataFields.includes(path)}
                          // Personal while it is the subject.
                          disabled={path === subject}
                          onChange={e => togglePath(path, e.target.checked)}
                        />
                      }
                    />
                  ))}
                </FormGroup>
                <FormHelperText>
                  {help(
                    'personalDataFields',
                    'The fields that hold data about a person: they are encrypted with the data subject’s key',
                  )}
                </FormHelperText>
              </FormControl>
              <TextField
                label="Data subject"
                select
                SelectProps={{ native: true }}
                InputLabelProps={{ shrink: true }}
                {...fieldProps('dataSubject')}
                error={Boolean(problemOf('dataSubject'))}
                onChange={e => chooseSubject(e.target.value)}
                helperText={help('dataSubject', DATA_SUBJECT_HELP)}
              >
                <option value="">None</option>
                {subjectPaths.map(path => (
                  <option key={path} value={path}>
                    {path}
                  </option>
                ))}
              </TextField>
            </>
          ) : (
            <>
              <TextField
                id={`${titleId}-personalDataFields`}
                label="Personal data fields"
                value={personalText}
                onChange={e => {
                  setPersonalText(e.target.value);
                  set('personalDataFields')(splitList(e.target.value));
                }}
                error={Boolean(problemOf('personalDataFields'))}
                fullWidth
                margin="dense"
                variant="outlined"
                disabled={saving}
                helperText={help(
                  'personalDataFields',
                  'Dotted field paths separated by commas, e.g. user.email',
                )}
              />
              <TextField
                label="Data subject"
                {...fieldProps('dataSubject')}
                error={Boolean(problemOf('dataSubject'))}
                helperText={help(
                  'dataSubject',
                  `A dotted field path, e.g. user_id. ${DATA_SUBJECT_HELP}`,
                )}
              />
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={saving}
          >
            {saving ? 'Saving…' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
