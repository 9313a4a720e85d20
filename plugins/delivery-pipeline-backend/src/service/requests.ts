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

function toDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `${what} must be an ISO 8601 time, such as 2026-11-23T10:00:00Z; got '${value}'`,
    );
  }
  return date;
}
