import { WarningPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EventTypeFormat } from '@data-collection/plugin-event-schemas-common';
import Grid from '@material-ui/core/Grid';
import { FormEvent, useCallback, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { eventSchemasApiRef } from '../../api';
import { useEventSchemasLinks } from '../../routes';
import { DeliverySection } from './DeliverySection';
import { DetailsSection } from './DetailsSection';
import {
  checkValues,
  describeError,
  FieldErrors,
  FIELD_LABELS,
  fieldId,
  FormBinding,
  FormField,
  FormValues,
  initialValues,
  toNewEventType,
} from './form';
import { SchemaSection } from './SchemaSection';
import { SubmitBar } from './SubmitBar';
import { isStarterSchema, starterSchema } from './starterSchemas';
import { readSubmitError, SubmitErrors } from './submitErrors';
import { useSchemaCheck } from './useSchemaCheck';

/**
 * The form to register an event type with its first schema version. It
 * checks what it can as the user types, with the registry's own rules, and
 * shows what the registry rejects at the field it is about.
 */
export const RegisterEventTypeForm = () => {
  const api = useApi(eventSchemasApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const links = useEventSchemasLinks();
  // Who may register is decided on the owner chosen (the registry's policy:
  // a group the user belongs to), so only the registry can say, on submit;
  // its reason shows at the owner field.

  const [values, setValues] = useState<FormValues>(initialValues);
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(new Set());
  const [submitErrors, setSubmitErrors] = useState<SubmitErrors>({
    fields: {},
  });
  const [submitting, setSubmitting] = useState(false);

  // Only to warn about a taken name before submitting; if the list cannot be
  // loaded the registry still answers a taken name with a 409.
  const { value: registered } = useAsync(
    async () => new Set((await api.listEventTypes()).map(type => type.name)),
    [api],
  );
  const [takenNames, setTakenNames] = useState<ReadonlySet<string>>(new Set());
  const nameTaken =
    Boolean(registered?.has(values.name)) || takenNames.has(values.name);

  const schemaCheck = useSchemaCheck({
    format: values.format,
    schema: values.schema,
  });
  const clientErrors = useMemo(
    () =>
      checkValues({
        values,
        schemaFields: schemaCheck.valid ? schemaCheck.fields : undefined,
      }),
    [values, schemaCheck],
  );

  const change = useCallback(
    <F extends FormField>(field: F, value: FormValues[F]) => {
      setValues(current => ({ ...current, [field]: value }));
      // The registry's complaint was about the old value.
      setSubmitErrors(current => {
        if (!(field in current.fields)) return current;
        const fields = { ...current.fields };
        delete fields[field];
        return { ...current, fields };
      });
    },
    [],
  );

  const touch = useCallback(
    (field: FormField) =>
      setTouched(current =>
        current.has(field) ? current : new Set(current).add(field),
      ),
    [],
  );

  const errors = useMemo(() => {
    const shown: FieldErrors = {};
    for (const field of Object.keys(FIELD_LABELS) as FormField[]) {
      const client = clientErrors[field];
      const value = values[field];
      const blank = Array.isArray(value)
        ? value.length === 0
        : value.trim() === '';
      // An empty required field is only an error once the user has left it;
      // the data subject as soon as a field is personal, to say what else
      // personal data needs.
      const due =
        !blank ||
        touched.has(field) ||
        (field === 'dataSubject' && values.personalDataFields.length > 0);
      const message =
        (client && due ? client : undefined) ?? submitErrors.fields[field];
      if (message) shown[field] = describeError(field, message);
    }
    return shown;
  }, [clientErrors, values, touched, submitErrors]);
  const form: FormBinding = { values, errors, change, touch };

  const changeFormat = (format: EventTypeFormat) => {
    // A starter schema in the old format is replaced; the user's own text is not.
    if (isStarterSchema(values.schema)) {
      change('schema', starterSchema(format));
    }
    change('format', format);
  };

  const blocking = [
    ...(Object.keys(clientErrors) as FormField[]).map(f => FIELD_LABELS[f]),
    ...(schemaCheck.valid ? [] : [FIELD_LABELS.schema]),
  ];
  const canSubmit =
    !submitting && blocking.length === 0 && !schemaCheck.pending;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    const request = toNewEventType(values);
    setSubmitting(true);
    setSubmitErrors({ fields: {} });
    try {
      const created = await api.createEventType(request);
      alertApi.post({
        message: `Registered ${created.name} v${created.latestVersion}`,
        severity: 'success',
        display: 'transient',
      });
      if (links) navigate(links.eventType(created.name));
    } catch (error) {
      const rejected = readSubmitError({ error, request });
      setSubmitErrors(rejected);
      // Registered since the page loaded: link to it. (A 409 also answers a
      // deleted type's name, which has nothing to link to.)
      if (
        error instanceof ResponseError &&
        error.statusCode === 409 &&
        rejected.fields.name?.includes('already exists')
      ) {
        setTakenNames(current => new Set(current).add(request.name));
      }
      focusFirst(Object.keys(rejected.fields) as FormField[]);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form noValidate onSubmit={submit} aria-label="Register an event type">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <DetailsSection form={form} nameTaken={nameTaken} />
        </Grid>
        <Grid item xs={12}>
          <SchemaSection
            form={form}
            check={schemaCheck}
            onFormatChange={changeFormat}
          />
        </Grid>
        <Grid item xs={12}>
          <DeliverySection form={form} />
        </Grid>
        {submitErrors.message && (
          <Grid item xs={12}>
            <WarningPanel
              severity="error"
              title="The event type was not registered"
              message={submitErrors.message}
              defaultExpanded
            />
          </Grid>
        )}
        <Grid item xs={12}>
          <SubmitBar
            canSubmit={canSubmit}
            submitting={submitting}
            reason={
              blocking.length > 0 &&
              `To register, complete or fix: ${blocking.join(', ')}`
            }
          />
        </Grid>
      </Grid>
    </form>
  );
};

/** Takes the user to the first field the registry complained about. */
function focusFirst(fields: FormField[]) {
  const order = Object.keys(FIELD_LABELS) as FormField[];
  const first = order.find(field => fields.includes(field));
  const element = first && document.getElementById(fieldId(first));
  if (!element) return;
  // The schema's id is on the editor's frame; its text is what takes focus.
  const target = element.matches('input, textarea, [tabindex]')
    ? element
    : element.querySelector<HTMLElement>('[contenteditable="true"]');
  target?.focus();
}
