import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import { EVENT_TYPE_NAME_LOOKUP_PATTERN } from '@data-collection/plugin-event-schemas-common';
import { z } from 'zod/v3';
import { healthWindow } from '../service/requests';

const DAY_MS = 86_400_000;

/**
 * Refuses anonymous callers, as the routes' default auth policy does. (The
 * actions registry only invokes actions for authenticated callers; this
 * keeps the rule here too.)
 */
export function requireCaller(credentials: BackstageCredentials): void {
  if ((credentials.principal as { type?: string }).type === 'none') {
    throw new AuthenticationError(
      'Sign in or call as a service to read delivery health',
    );
  }
}

/** The event type, checked before any look-up as the routes check it. */
export function eventTypeInput(value: string): string {
  if (!EVENT_TYPE_NAME_LOOKUP_PATTERN.test(value)) {
    throw new InputError(
      `eventType must be an event type name: 1 to 128 letters, digits, dots, dashes or underscores; got '${value.slice(
        0,
        130,
      )}'`,
    );
  }
  return value;
}

/**
 * The window, by the health route's rules: the last day by default, `from`
 * before `to`, at most deliveryPipeline.api.maxWindow.
 */
export function windowInput(
  input: { from?: string; to?: string },
  maxWindowMs: number,
): { from: Date; to: Date } {
  return healthWindow(
    Object.fromEntries(
      Object.entries(input).filter(([, value]) => value !== undefined),
    ),
    { defaultMs: DAY_MS, maxWindowMs },
  );
}

/** The input both actions take. */
export const healthInput = (zod: typeof z) =>
  zod.object({
    eventType: zod
      .string()
      .describe('The event type name, e.g. com.example.playback.started'),
    from: zod
      .string()
      .optional()
      .describe(
        'Start of the window, an ISO 8601 time (default: a day before `to`)',
      ),
    to: zod
      .string()
      .optional()
      .describe('End of the window, an ISO 8601 time (default: now)'),
  });
