import { ResponseError } from '@backstage/errors';
import { NewEventType } from '../../api';
import { FieldErrors, FormField } from './form';

/** Why registering failed: per field where the registry says which, else in general. */
export type SubmitErrors = {
  fields: FieldErrors;
  /** What belongs to no field (a 403, a 5xx, an unknown field...). */
  message?: string;
};

// The registry's request paths and the form field each belongs to. Items of
// a list (`tags.2`) belong to the list's field.
const FIELDS_BY_PATH: Record<string, FormField> = {
  name: 'name',
  title: 'title',
  description: 'description',
  owner: 'owner',
  lifecycle: 'lifecycle',
  tags: 'tags',
  format: 'format',
  compatibility: 'compatibility',
  schema: 'schema',
  'retention.raw': 'retention.raw',
  'retention.delivered': 'retention.delivered',
  sla: 'sla.maxLateness',
  'sla.maxLateness': 'sla.maxLateness',
  personalDataFields: 'personalDataFields',
};

// `path: message` where path is a dotted request path (`retention.raw`,
// `tags.2`); a part without one continues the previous message, whose own
// text had a `; ` (`must be a catalog group, ...; got kind 'user'`), unless
// it is about the request as a whole (`unknown field 'colour'`).
const PROBLEM = /^([A-Za-z]\w*(?:\.\w+)*): ([\s\S]*)$/;
const WHOLE_REQUEST_PROBLEM = /^unknown fields? /;

/**
 * Reads an error from registering an event type (`POST /event-types`) into
 * messages for the form's fields, so each shows where it is fixed. The
 * registry's 400s name their fields (`Invalid event type: owner: must be
 * ...; retention.raw: must be ...`), a schema it rejects is `Invalid schema:
 * ...`, and a 409 is a name that is taken.
 */
export function readSubmitError(options: {
  error: unknown;
  request: NewEventType;
}): SubmitErrors {
  const { error, request } = options;
  const message = errorMessage(error);
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  if (status === 409) {
    return { fields: { name: message } };
  }
  if (status !== 400) {
    return { fields: {}, message };
  }
  const schemaProblem = /^Invalid schema: ([\s\S]*)$/.exec(message);
  if (schemaProblem) {
    return { fields: { schema: schemaProblem[1] } };
  }

  const fields: FieldErrors = {};
  const unmapped: string[] = [];
  for (const problem of splitProblems(
    message.replace(/^Invalid event type: /, ''),
  )) {
    const match = PROBLEM.exec(problem);
    const placed = match && placeProblem({ path: match[1], text: match[2] });
    if (placed) {
      const text = describeItem({ path: match![1], request }) + placed.text;
      const known = fields[placed.field];
      fields[placed.field] = known ? `${known}; ${text}` : text;
    } else {
      unmapped.push(problem);
    }
  }
  return {
    fields,
    message: unmapped.length > 0 ? unmapped.join('; ') : undefined,
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  // Not `instanceof Error`: errors from another realm (fetch's) fail it.
  const text = (error as { message?: unknown } | undefined)?.message;
  return typeof text === 'string' ? text : String(error);
}

function splitProblems(text: string): string[] {
  const problems: string[] = [];
  for (const part of text.split('; ')) {
    const continues = !PROBLEM.test(part) && !WHOLE_REQUEST_PROBLEM.test(part);
    if (problems.length > 0 && continues) {
      problems[problems.length - 1] += `; ${part}`;
    } else {
      problems.push(part);
    }
  }
  return problems;
}

function placeProblem(options: {
  path: string;
  text: string;
}): { field: FormField; text: string } | undefined {
  const { path, text } = options;
  const field =
    FIELDS_BY_PATH[path] ?? FIELDS_BY_PATH[path.replace(/\.\d+$/, '')];
  return field ? { field, text } : undefined;
}

/** `'Mobile': ` for `tags.1`, naming the item the message is about. */
function describeItem(options: { path: string; request: NewEventType }) {
  const item = /^(tags|personalDataFields)\.(\d+)$/.exec(options.path);
  if (!item) return '';
  const list = options.request[item[1] as 'tags' | 'personalDataFields'];
  const value = list?.[Number(item[2])];
  return value === undefined ? '' : `'${value}': `;
}
