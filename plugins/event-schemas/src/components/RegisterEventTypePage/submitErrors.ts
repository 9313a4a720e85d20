import { ResponseError } from '@backstage/errors';
import { NewEventType } from '../../api';
import { readRegistryProblems } from '../shared';
import { FieldErrors, FormField } from './form';

/** Why registering failed: per field where the registry says which, else in general. */
export type SubmitErrors = {
  fields: FieldErrors;
  /** What belongs to no field (a 403, a 5xx, an unknown field...). */
  message?: string;
};

// The registry's request paths and the form field each belongs to.
const FIELDS_BY_PATH: Record<string, FormField> = {
  name: 'name',
  title: 'title',
  description: 'description',
  owner: 'owner',
  lifecycle: 'lifecycle',
  tags: 'tags',
  format: 'format',
  compatibility: 'compatibility',
  compatibilityScope: 'compatibilityScope',
  schema: 'schema',
  'retention.raw': 'retention.raw',
  'retention.delivered': 'retention.delivered',
  sla: 'sla.maxLateness',
  'sla.maxLateness': 'sla.maxLateness',
  personalDataFields: 'personalDataFields',
  dataSubject: 'dataSubject',
};

/**
 * Reads an error from registering an event type (`POST /event-types`) into
 * messages for the form's fields, so each shows where it is fixed. The
 * registry's 400s name their fields (`Invalid event type: owner: must be
 * ...; retention.raw: must be ...`), a schema it rejects is `Invalid schema:
 * ...`, a 409 is a name that is taken, and a 403 an owner group the user
 * may not register for.
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
  // The policy decides on the owner chosen: a group the user belongs to.
  if (status === 403) {
    return { fields: { owner: message } };
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
  for (const problem of readRegistryProblems(message, request)) {
    const field = problem.path && FIELDS_BY_PATH[problem.path];
    if (field) {
      const known = fields[field];
      fields[field] = known ? `${known}; ${problem.text}` : problem.text;
    } else {
      unmapped.push(
        problem.path ? `${problem.path}: ${problem.text}` : problem.text,
      );
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
