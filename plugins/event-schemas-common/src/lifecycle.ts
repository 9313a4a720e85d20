import { Deprecation, EventTypeState } from './types';

/**
 * The state an event type's deprecation puts it in.
 *
 * @public
 */
export function eventTypeState(eventType: {
  deprecation?: Deprecation;
}): EventTypeState {
  if (!eventType.deprecation) return 'active';
  return eventType.deprecation.retiredAt ? 'retired' : 'deprecated';
}

/**
 * Why a retired event type's events are refused, naming its successor;
 * `undefined` when the type is not retired.
 *
 * @public
 */
export function retiredEventTypeReason(eventType: {
  name: string;
  deprecation?: Deprecation;
}): string | undefined {
  const deprecation = eventType.deprecation;
  if (!deprecation?.retiredAt) return undefined;
  return `Event type '${eventType.name}' was retired on ${
    deprecation.retiredAt
  }${
    deprecation.successor
      ? `; send ${deprecation.successor} instead`
      : '; it accepts no more events'
  }`;
}

/**
 * What a producer of a deprecated (not yet retired) event type is told with
 * each accepted request: why, when it stops accepting events and what to
 * send instead; `undefined` when the type is not deprecated.
 *
 * @public
 */
export function deprecatedEventTypeNotice(eventType: {
  name: string;
  deprecation?: Deprecation;
}): string | undefined {
  const deprecation = eventType.deprecation;
  if (!deprecation || deprecation.retiredAt) return undefined;
  const sunset = deprecation.sunsetAt
    ? `; it stops accepting events on ${deprecation.sunsetAt}`
    : '';
  const successor = deprecation.successor
    ? `; send ${deprecation.successor} instead`
    : '';
  return `Event type '${eventType.name}' is deprecated: ${deprecation.reason}${sunset}${successor}`;
}
