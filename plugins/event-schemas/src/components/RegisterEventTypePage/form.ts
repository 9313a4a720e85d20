import { parseEntityRef } from '@backstage/catalog-model';
import {
  CompatibilityMode,
  CompatibilityScope,
  EVENT_TYPE_NAME_RULE,
  EventTypeFormat,
  isValidEventTypeName,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';
import { NewEventType } from '../../api';
import { checkPersonalData, isoDurationSeconds } from '../shared';
import { starterSchema } from './starterSchemas';

// The registration form's values and the checks it runs as the user types.
// The rules are the registry's own (plugins/event-schemas-backend
// src/service/requests.ts), with its wording, so that what the form accepts
// the registry accepts too; the registry checks again regardless.

/**
 * The form's fields, named by their path in the registry's request body, so
 * that the registry's `path: message` errors land on the field they name.
 */
export type FormField =
  | 'name'
  | 'title'
  | 'description'
  | 'owner'
  | 'lifecycle'
  | 'tags'
  | 'format'
  | 'compatibility'
  | 'compatibilityScope'
  | 'schema'
  | 'retention.raw'
  | 'retention.delivered'
  | 'sla.maxLateness'
  | 'personalDataFields'
  | 'dataSubject';

/** What the user has entered, as entered (tags as the text typed). */
export type FormValues = {
  name: string;
  title: string;
  description: string;
  owner: string;
  lifecycle: string;
  tags: string;
  format: EventTypeFormat;
  compatibility: CompatibilityMode;
  compatibilityScope: CompatibilityScope;
  schema: string;
  'retention.raw': string;
  'retention.delivered': string;
  'sla.maxLateness': string;
  personalDataFields: string[];
  /** The data subject's field path; `''` for none. */
  dataSubject: string;
};

export type FieldErrors = Partial<Record<FormField, string>>;

/** The field labels, for the summary of what still blocks registering. */
export const FIELD_LABELS: Record<FormField, string> = {
  name: 'Name',
  title: 'Title',
  description: 'Description',
  owner: 'Owner',
  lifecycle: 'Lifecycle',
  tags: 'Tags',
  format: 'Format',
  compatibility: 'Compatibility mode',
  compatibilityScope: 'Checked against',
  schema: 'Schema',
  'retention.raw': 'Raw retention',
  'retention.delivered': 'Delivered retention',
  'sla.maxLateness': 'Maximum lateness',
  personalDataFields: 'Personal data fields',
  dataSubject: 'Data subject',
};

export function initialValues(): FormValues {
  return {
    name: '',
    title: '',
    description: '',
    owner: '',
    lifecycle: 'experimental',
    tags: '',
    format: 'jsonschema',
    compatibility: 'BACKWARD',
    compatibilityScope: 'ALL',
    schema: starterSchema('jsonschema'),
    'retention.raw': '',
    'retention.delivered': '',
    'sla.maxLateness': '',
    personalDataFields: [],
    dataSubject: '',
  };
}

const TAG_PATTERN = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
const TAG_RULE =
  'must be lowercase letters, digits, +, #, : separated by single dashes';

const LIFECYCLE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LIFECYCLE_RULE =
  'must be a word such as experimental, production or deprecated';

const DURATION_RULE = 'must be an ISO 8601 duration such as P30D or PT4H';

/** Tags as typed: separated by commas or spaces. */
export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).filter(tag => tag !== '');
}

function checkName(name: string): string | undefined {
  if (name === '') return 'is required';
  return isValidEventTypeName(name) ? undefined : EVENT_TYPE_NAME_RULE;
}

function checkOwner(owner: string): string | undefined {
  if (owner.trim() === '') return 'is required';
  try {
    const ref = parseEntityRef(owner.trim(), { defaultKind: 'group' });
    return ref.kind.toLocaleLowerCase('en-US') === 'group'
      ? undefined
      : `must be a catalog group, e.g. group:default/playback; got kind '${ref.kind}'`;
  } catch {
    return 'must be a catalog group ref, e.g. group:default/playback';
  }
}

function checkTags(text: string): string | undefined {
  const tags = parseTags(text);
  if (tags.length > 50) return 'at most 50 tags';
  const bad = tags.find(tag => tag.length > 63 || !TAG_PATTERN.test(tag));
  return bad === undefined ? undefined : `'${bad}': ${TAG_RULE}`;
}

function checkDuration(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const seconds = isoDurationSeconds(value);
  return seconds !== undefined && seconds > 0 ? undefined : DURATION_RULE;
}

/**
 * Every problem the form can see by itself, by field. `schemaFields` are the
 * schema's fields when the schema is valid, to check the personal data
 * fields and the data subject against.
 */
export function checkValues(options: {
  values: FormValues;
  schemaFields?: SchemaField[];
}): FieldErrors {
  const { values, schemaFields } = options;
  const errors: FieldErrors = {
    name: checkName(values.name),
    title: values.title.length > 255 ? 'at most 255 characters' : undefined,
    description:
      values.description.length > 10_000
        ? 'at most 10,000 characters'
        : undefined,
    owner: checkOwner(values.owner),
    lifecycle:
      values.lifecycle.trim() === '' ||
      LIFECYCLE_PATTERN.test(values.lifecycle.trim())
        ? undefined
        : LIFECYCLE_RULE,
    tags: checkTags(values.tags),
    'retention.raw': checkDuration(values['retention.raw']),
    'retention.delivered': checkDuration(values['retention.delivered']),
    'sla.maxLateness': checkDuration(values['sla.maxLateness']),
    ...checkPersonalData({
      personalDataFields: values.personalDataFields,
      dataSubject: values.dataSubject,
      fields: schemaFields,
    }),
  };
  return Object.fromEntries(
    Object.entries(errors).filter(([, message]) => message !== undefined),
  );
}

/** The registry request for the values; empty optional fields left out. */
export function toNewEventType(values: FormValues): NewEventType {
  const text = (value: string) => value.trim() || undefined;
  const tags = parseTags(values.tags);
  const raw = text(values['retention.raw']);
  const delivered = text(values['retention.delivered']);
  const maxLateness = text(values['sla.maxLateness']);
  return {
    name: values.name,
    title: text(values.title),
    description: text(values.description),
    owner: values.owner.trim(),
    lifecycle: text(values.lifecycle),
    tags: tags.length > 0 ? tags : undefined,
    format: values.format,
    compatibility: values.compatibility,
    // The registry's default, left out so the request stays minimal.
    ...(values.compatibilityScope !== 'ALL' && {
      compatibilityScope: values.compatibilityScope,
    }),
    retention:
      raw || delivered
        ? {
            ...(raw && { raw }),
            ...(delivered && { delivered }),
          }
        : undefined,
    sla: maxLateness ? { maxLateness } : undefined,
    personalDataFields:
      values.personalDataFields.length > 0
        ? values.personalDataFields
        : undefined,
    dataSubject: values.dataSubject || undefined,
    schema: values.schema,
  };
}

/**
 * A field's error as shown under it: the rules read `must be ...`, so they
 * get the field's label in front (`Owner is required`); whole sentences, such
 * as the registry's answer for a taken name, are shown as they are.
 */
export function describeError(field: FormField, message: string): string {
  return /^[a-z]/.test(message) ? `${FIELD_LABELS[field]} ${message}` : message;
}

/** Changes one field's value. */
export type ChangeField = <F extends FormField>(
  field: F,
  value: FormValues[F],
) => void;

/**
 * What a section of the form gets to show and change its fields. `change`
 * and `touch` keep their identity across renders, so that fields can skip
 * rendering when their own value and error did not change.
 */
export type FormBinding = {
  values: FormValues;
  /** The error to show under each field, already worded for it. */
  errors: FieldErrors;
  change: ChangeField;
  /** The user left the field: a required field left empty says so now. */
  touch: (field: FormField) => void;
};

/** The id of a field's input, to label it and to move focus to it. */
export function fieldId(field: FormField): string {
  return `register-event-type-${field.replace('.', '-')}`;
}
