import { InputError } from '@backstage/errors';
import { EVENT_TYPE_NAME_LOOKUP_PATTERN } from '@data-collection/plugin-event-schemas-common';
import express from 'express';
import { z } from 'zod';

type Query = express.Request['query'];

/** Longest query parameter: enough for any value the API takes. */
const MAX_PARAMETER_CHARS = 1024;

/**
 * A query parameter given at most once, as a non-empty string without NUL
 * (which PostgreSQL refuses in text, with a 500) and of bounded length.
 */
export function optionalString(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`Query parameter '${name}' must be a single string`);
  }
  if (value.length > MAX_PARAMETER_CHARS) {
    throw new InputError(
      `Query parameter '${name}' must be at most ${MAX_PARAMETER_CHARS} characters`,
    );
  }
  if (value.includes('\u0000')) {
    throw new InputError(
      `Query parameter '${name}' must not contain the NUL character`,
    );
  }
  return value;
}

const EVENT_TYPE_RULE =
  'must be an event type name: 1 to 128 letters, digits, dots, dashes or underscores';

/** An event type in a query parameter, checked before any look-up. */
export function optionalEventType(
  query: Query,
  name = 'eventType',
): string | undefined {
  const value = optionalString(query, name);
  if (value !== undefined && !EVENT_TYPE_NAME_LOOKUP_PATTERN.test(value)) {
    throw new InputError(`Query parameter '${name}' ${EVENT_TYPE_RULE}`);
  }
  return value;
}

/** An event type in the path, checked before any look-up. */
export function eventTypeParam(value: string): string {
  if (!EVENT_TYPE_NAME_LOOKUP_PATTERN.test(value)) {
    throw new InputError(`The event type in the path ${EVENT_TYPE_RULE}`);
  }
  return value;
}

/** The `cursor` of a list: the row id that `nextCursor` gave. */
export function optionalCursor(query: Query): string | undefined {
  const value = optionalString(query, 'cursor');
  if (value !== undefined && !/^\d{1,18}$/.test(value)) {
    throw new InputError(
      "Query parameter 'cursor' must be the nextCursor of the previous page",
    );
  }
  return value;
}

/**
 * `from` and `to` of a list. When both are given, `from` comes first and the
 * window is at most `maxWindowMs` (deliveryPipeline.api.maxWindow).
 */
export function optionalWindow(
  query: Query,
  maxWindowMs: number,
): { from?: Date; to?: Date } {
  const from = optionalDate(query, 'from');
  const to = optionalDate(query, 'to');
  if (from && to) checkWindow({ from, to, maxWindowMs });
  return { from, to };
}

/**
 * `from` and `to` of a health query: the `defaultMs` before `to` (default
 * now) unless given, at most `maxWindowMs` long.
 */
export function healthWindow(
  query: Query,
  options: { defaultMs: number; maxWindowMs: number },
): { from: Date; to: Date } {
  const to = optionalDate(query, 'to') ?? new Date();
  const from =
    optionalDate(query, 'from') ?? new Date(to.getTime() - options.defaultMs);
  checkWindow({ from, to, maxWindowMs: options.maxWindowMs });
  return { from, to };
}

function checkWindow(options: { from: Date; to: Date; maxWindowMs: number }) {
  const { from, to, maxWindowMs } = options;
  if (from >= to) {
    throw new InputError(
      `Query parameter 'from' must be before 'to'; got ${from.toISOString()} and ${to.toISOString()}`,
    );
  }
  if (to.getTime() - from.getTime() > maxWindowMs) {
    throw new InputError(
      `The window from ${from.toISOString()} to ${to.toISOString()} is longer than ${
        maxWindowMs / 3_600_000
      } hours, the most one request covers (deliveryPipeline.api.maxWindow); ask for shorter windows`,
    );
  }
}

export function optionalDate(query: Query, name: string): Date | undefined {
  const value = optionalString(query, name);
  return value === undefined
    ? undefined
    : toDate(value, `Query parameter '${name}'`);
}

export function optionalBoolean(query: Query, name: string): boolean {
  const value = optionalString(query, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InputError(
    `Query parameter '${name}' must be true or false; got '${value}'`,
  );
}

export function optionalLimit(
  query: Query,
  bounds: { default: number; max: number },
): number {
  const value = optionalString(query, 'limit');
  if (value === undefined) return bounds.default;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.max) {
    throw new InputError(
      `Query parameter 'limit' must be a whole number from 1 to ${bounds.max}; got '${value}'`,
    );
  }
  return limit;
}

const isoTime = z
  .string()
  .max(MAX_PARAMETER_CHARS)
  .refine(value => isTimeInRange(new Date(value)), {
    message: 'must be an ISO 8601 time, such as 2026-11-23T10:00:00Z',
  });

const eventType = z
  .string()
  .regex(EVENT_TYPE_NAME_LOOKUP_PATTERN, EVENT_TYPE_RULE);

const replayRequest = z.strictObject({
  eventType,
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** How many failed events one call replays, oldest last. */
  limit: z.number().int().min(1).max(10_000).default(1000),
});

/** The body of `POST /failed-events/replay`. */
export function parseReplayRequest(
  body: unknown,
  maxWindowMs: number,
): {
  eventType: string;
  from?: Date;
  to?: Date;
  limit: number;
} {
  const parsed = replayRequest.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid replay request: ${issues}`);
  }
  const { from, to, limit } = parsed.data;
  const window = {
    from: from === undefined ? undefined : new Date(from),
    to: to === undefined ? undefined : new Date(to),
  };
  if (window.from && window.to) {
    checkWindow({ from: window.from, to: window.to, maxWindowMs });
  }
  return { eventType: parsed.data.eventType, ...window, limit };
}

/** Most values one decrypt request opens. */
export const MAX_DECRYPT_VALUES = 5000;

const decryptRequest = z.strictObject({
  eventType,
  values: z
    .array(z.string().min(1).max(1_000_000))
    .min(1)
    .max(MAX_DECRYPT_VALUES),
  /** What the values come from (a file, a table), for the audit log. */
  source: z.string().max(1024).optional(),
});

/** The body of `POST /personal-data/decrypt`. */
export function parseDecryptRequest(
  body: unknown,
): z.infer<typeof decryptRequest> {
  const parsed = decryptRequest.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    throw new InputError(
      `Invalid decrypt request: ${issues}. Send {"eventType": "<type>", "values": ["pd1:...", "ps1:..."]} with at most ${MAX_DECRYPT_VALUES} values`,
    );
  }
  return parsed.data;
}

/** A time in the path, such as a partition's start. */
export function timeParam(value: string, what: string): Date {
  return toDate(value, what);
}

function toDate(value: string, what: string): Date {
  const date = new Date(value);
  if (!isTimeInRange(date)) {
    throw new InputError(
      `${what} must be an ISO 8601 time, such as 2026-11-23T10:00:00Z; got '${value.slice(
        0,
        50,
      )}'`,
    );
  }
  return date;
}

/**
 * A valid time in the years 0 to 9999: outside them a time has no ISO 8601
 * form that the databases take.
 */
function isTimeInRange(date: Date): boolean {
  return (
    !Number.isNaN(date.getTime()) &&
    date.getUTCFullYear() >= 0 &&
    date.getUTCFullYear() <= 9999
  );
}
