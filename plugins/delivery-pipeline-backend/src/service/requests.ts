import { InputError } from '@backstage/errors';
import express from 'express';
import { z } from 'zod';

type Query = express.Request['query'];

export function optionalString(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`Query parameter '${name}' must be a single string`);
  }
  return value;
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
  .refine(value => !Number.isNaN(new Date(value).getTime()), {
    message: 'must be an ISO 8601 time, such as 2026-11-23T10:00:00Z',
  });

const replayRequest = z.strictObject({
  eventType: z.string().min(1),
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** How many failed events one call replays, oldest last. */
  limit: z.number().int().min(1).max(10_000).default(1000),
});

/** The body of `POST /failed-events/replay`. */
export function parseReplayRequest(body: unknown): {
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
  const { eventType, from, to, limit } = parsed.data;
  return {
    eventType,
    from: from === undefined ? undefined : new Date(from),
    to: to === undefined ? undefined : new Date(to),
    limit,
  };
}

/** Most values one decrypt request opens. */
export const MAX_DECRYPT_VALUES = 5000;

const decryptRequest = z.strictObject({
  eventType: z.string().min(1).max(256),
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

function toDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `${what} must be an ISO 8601 time, such as 2026-11-23T10:00:00Z; got '${value}'`,
    );
  }
  return date;
}
