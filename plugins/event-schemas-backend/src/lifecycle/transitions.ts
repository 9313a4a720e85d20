import { ConflictError, InputError } from '@backstage/errors';
import {
  Deprecation,
  EventType,
  eventTypeState,
} from '@data-collection/plugin-event-schemas-common';

/** What a PATCH asks of a type's deprecation; `null` takes it back. */
export type DeprecationRequest = {
  reason: string;
  successor?: string;
  sunsetAt?: string;
} | null;

/**
 * The deprecation after a PATCH, by the lifecycle's rules:
 * active → deprecated (a reason and a sunset date in the future), deprecated
 * → deprecated (a new reason, successor or sunset date; deprecatedAt kept),
 * deprecated → active (`null`). Nothing leaves retired: its producers were
 * told to move, and its data stays where it was delivered.
 */
export function nextDeprecation(options: {
  current: EventType;
  request: DeprecationRequest;
  by: string;
  now: Date;
}): Deprecation | null {
  const { current, request, by, now } = options;
  const state = eventTypeState(current);
  if (state === 'retired') {
    throw new ConflictError(
      `Event type '${current.name}' was retired on ${
        current.deprecation!.retiredAt
      }; a retired type cannot be deprecated again or made active. Register a new type instead.`,
    );
  }
  if (request === null) return null;
  if (request.successor === current.name) {
    throw new InputError(
      `deprecation.successor: an event type cannot succeed itself`,
    );
  }
  if (request.sunsetAt === undefined) {
    throw new InputError(
      'deprecation.sunsetAt: required: the date (ISO 8601, e.g. 2027-01-31T00:00:00Z) from which the type refuses events, so that its consumers can be reminded before it',
    );
  }
  const sunsetAt = parseSunset(request.sunsetAt);
  if (sunsetAt.getTime() <= now.getTime()) {
    throw new InputError(
      `deprecation.sunsetAt: ${request.sunsetAt} is not in the future; to stop the type's events now, deprecate it with a later date and retire it with POST /event-types/${current.name}/retire`,
    );
  }
  return {
    reason: request.reason,
    ...(request.successor ? { successor: request.successor } : {}),
    sunsetAt: sunsetAt.toISOString(),
    deprecatedAt: current.deprecation?.deprecatedAt ?? now.toISOString(),
    deprecatedBy: current.deprecation?.deprecatedBy ?? by,
  };
}

/** The deprecation of a type retired now: only a deprecated one may be. */
export function retiredDeprecation(options: {
  current: EventType;
  by: string;
  now: Date;
}): Deprecation {
  const { current, by, now } = options;
  const { deprecation } = current;
  if (!deprecation) {
    throw new ConflictError(
      `Event type '${current.name}' is active: deprecate it first, with a reason, a successor and a sunset date, so that its consumers are told`,
    );
  }
  if (deprecation.retiredAt) {
    throw new ConflictError(
      `Event type '${current.name}' was already retired on ${deprecation.retiredAt}`,
    );
  }
  return { ...deprecation, retiredAt: now.toISOString(), retiredBy: by };
}

/** A deprecated type whose sunset date has come, by `now`. */
export function isPastSunset(eventType: EventType, now: Date): boolean {
  const sunsetAt = eventType.deprecation?.sunsetAt;
  return (
    eventTypeState(eventType) === 'deprecated' &&
    sunsetAt !== undefined &&
    Date.parse(sunsetAt) <= now.getTime()
  );
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseSunset(value: string): Date {
  const date = new Date(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(date.getTime())) {
    throw new InputError(
      `deprecation.sunsetAt: '${value.slice(
        0,
        64,
      )}' is not an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z`,
    );
  }
  return date;
}
