import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  COMPATIBILITY_MODES,
  COMPATIBILITY_SCOPES,
  EVENT_TYPE_FORMATS,
  EVENT_TYPE_NAME_LOOKUP_PATTERN,
  EVENT_TYPE_NAME_PATTERN,
  EVENT_TYPE_NAME_RULE,
} from '@data-collection/plugin-event-schemas-common';
import { z } from 'zod';
import { isPositiveDuration } from './config';

// The request bodies of the registry's API. Objects are strict: a field the
// API does not know is an error, not silently dropped (a typo such as
// `compatibilty` would otherwise leave the default in place).

// The rule for new names (see EVENT_TYPE_NAME_PATTERN).
const eventTypeName = z
  .string()
  .regex(EVENT_TYPE_NAME_PATTERN, EVENT_TYPE_NAME_RULE);

// Names of types that already exist, in paths and look-ups (see
// EVENT_TYPE_NAME_LOOKUP_PATTERN).
const registeredEventTypeName = z
  .string()
  .regex(
    EVENT_TYPE_NAME_LOOKUP_PATTERN,
    'must be 1 to 128 letters, digits, dots, dashes or underscores',
  );

// At most as long as the database's owner column.
const groupRef = z
  .string()
  .max(255, 'must be at most 255 characters')
  .transform((value, ctx) => {
    try {
      const ref = parseEntityRef(value, { defaultKind: 'group' });
      if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
        ctx.addIssue({
          code: 'custom',
          message: `must be a catalog group, e.g. group:default/playback; got kind '${ref.kind}'`,
        });
        return z.NEVER;
      }
      return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a catalog group ref, e.g. group:default/playback',
      });
      return z.NEVER;
    }
  });

const duration = z
  .string()
  .refine(
    isPositiveDuration,
    'must be an ISO 8601 duration such as P30D or PT4H',
  );

// Catalog tag rules, so that tags survive into the API entity unchanged.
const tag = z
  .string()
  .max(63)
  .regex(
    /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/,
    'must be lowercase letters, digits, +, #, : separated by single dashes',
  );

const lifecycle = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    'must be a word such as experimental, production or deprecated',
  );

// Accept the schema as text (as registered) or as a JSON value, which is
// handier with curl; JSON values are stored as their JSON text.
const schemaText = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .transform(value =>
    typeof value === 'string' ? value : JSON.stringify(value),
  );

const format = z.enum(EVENT_TYPE_FORMATS, {
  message: `must be one of ${EVENT_TYPE_FORMATS.join(', ')}`,
});

const compatibility = z.enum(COMPATIBILITY_MODES, {
  message: `must be one of ${COMPATIBILITY_MODES.join(', ')}`,
});

const compatibilityScope = z.enum(COMPATIBILITY_SCOPES, {
  message: `must be one of ${COMPATIBILITY_SCOPES.join(', ')}`,
});

const deprecation = z
  .strictObject({
    reason: z.string().min(1, 'must say why'),
    successor: z.string().optional(),
  })
  .nullable();

// A dotted field path as listFields gives it (at most as long as the
// registry stores field paths); SchemaRegistry checks it names a field.
const dataSubject = z
  .string()
  .min(1, 'must name a string field of the schema, e.g. user_id')
  .max(1024, 'must be at most 1024 characters');

const retention = z.strictObject({
  raw: duration.optional(),
  delivered: duration.optional(),
});

export const createEventTypeRequest = z.strictObject({
  name: eventTypeName,
  title: z.string().max(255).optional(),
  description: z.string().max(10_000).optional(),
  owner: groupRef,
  lifecycle: lifecycle.optional(),
  tags: z.array(tag).max(50).optional(),
  format,
  compatibility: compatibility.optional(),
  compatibilityScope: compatibilityScope.optional(),
  retention: retention.optional(),
  sla: z.strictObject({ maxLateness: duration }).optional(),
  personalDataFields: z.array(z.string().min(1)).max(500).optional(),
  dataSubject: dataSubject.optional(),
  schema: schemaText,
});
export type CreateEventTypeRequest = z.infer<typeof createEventTypeRequest>;

export const updateEventTypeRequest = z.strictObject({
  title: z.string().max(255).nullable().optional(),
  description: z.string().max(10_000).nullable().optional(),
  owner: groupRef.optional(),
  lifecycle: lifecycle.optional(),
  tags: z.array(tag).max(50).optional(),
  compatibility: compatibility.optional(),
  compatibilityScope: compatibilityScope.optional(),
  retention: retention.optional(),
  sla: z.strictObject({ maxLateness: duration }).optional(),
  personalDataFields: z.array(z.string().min(1)).max(500).optional(),
  dataSubject: dataSubject.nullable().optional(),
  deprecation: deprecation.optional(),
});
export type UpdateEventTypeRequest = z.infer<typeof updateEventTypeRequest>;

export const schemaRequest = z.strictObject({ schema: schemaText });

export const updateVersionRequest = z.strictObject({ deprecation });

export const validateRequest = z.strictObject({
  type: registeredEventTypeName,
  version: z
    .union([z.number().int().positive().max(999_999_999), z.literal('latest')])
    .optional(),
  data: z.unknown(),
});

export const listQuery = z.strictObject({
  owner: groupRef.optional(),
  text: z.string().max(200).optional(),
  format: format.optional(),
  lifecycle: z.string().max(255).optional(),
  field: z.string().max(255).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500, 'must be at most 500')
    .default(50),
  // What nextCursor gives: a name, base64url-encoded.
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be the nextCursor of a page')
    .optional(),
});

export { eventTypeName, registeredEventTypeName };

/**
 * Parses a request part with a schema above, turning every problem into one
 * 400 that names each field: `owner: must be a catalog group ref, ...`.
 */
export function parseRequest<T extends z.ZodType>(options: {
  schema: T;
  value: unknown;
  what: string;
  /** A top-level field that is data, not text to store: NUL is allowed. */
  data?: string;
}): z.output<T> {
  const nulAt = findNul(options.value, options.data);
  if (nulAt !== undefined) {
    // PostgreSQL text cannot hold NUL: refused here rather than by the
    // database with a 500.
    throw new InputError(
      `Invalid ${options.what}: ${
        nulAt ? `${nulAt}: ` : ''
      }must not contain the NUL character (\\u0000)`,
    );
  }
  const result = options.schema.safeParse(options.value, {
    // Zod's own wording for a missing field is 'Invalid input'.
    error: issue => (issue.input === undefined ? 'is required' : undefined),
  });
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map(k => `'${k}'`).join(', ');
      return `${path ? `${path}: ` : ''}unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${keys}`;
    }
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${options.what}: ${problems.join('; ')}`);
}

/**
 * The path of the first string or key holding NUL, `''` for the value
 * itself; `undefined` when there is none. Iterative, since the value may be
 * nested as deep as the JSON parser allows.
 */
function findNul(value: unknown, skipField?: string): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: next, path } = stack.pop()!;
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return path;
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, child] of Object.entries(next)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return path;
        if (path === '' && key === skipField) continue;
        stack.push({ value: child, path: childPath });
      }
    }
  }
  return undefined;
}
