/**
 * The events service topic the schema registry publishes to whenever an event type
 * or one of its versions changes.
 *
 * @public
 */
export const EVENT_SCHEMAS_TOPIC = 'event-schemas';

/**
 * The `eventPayload` of an event on {@link EVENT_SCHEMAS_TOPIC}. It carries
 * only the name: subscribers read the current state from the registry, so an
 * event that arrives late or twice does no harm.
 *
 * @public
 */
export type EventTypeChangedPayload = {
  /** `upserted` covers creation, metadata changes and new versions. */
  action: 'upserted' | 'deleted';
  /** The event type's name. */
  eventType: string;
};

/**
 * Whether an event payload has the shape of {@link EventTypeChangedPayload};
 * the events service hands payloads over untyped.
 *
 * @public
 */
export function isEventTypeChangedPayload(
  payload: unknown,
): payload is EventTypeChangedPayload {
  if (typeof payload !== 'object' || payload === null) {
    return false;
  }
  const { action, eventType } = payload as Record<string, unknown>;
  return (
    (action === 'upserted' || action === 'deleted') &&
    typeof eventType === 'string' &&
    eventType.length > 0
  );
}
