import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  EVENT_SCHEMAS_TOPIC,
  EventTypeChangedPayload,
  isEventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';

/**
 * Hands the registry's event type changes (topic `event-schemas`) to an
 * entity provider as they are published; an event of another shape is
 * logged and skipped, as there is nothing to apply.
 *
 * @public
 */
export async function subscribeToEventTypeChanges(options: {
  events: EventsService;
  /** The subscriber's id, one per provider. */
  id: string;
  logger: LoggerService;
  provider: { applyChange(change: EventTypeChangedPayload): Promise<void> };
}): Promise<void> {
  const { events, id, logger, provider } = options;
  await events.subscribe({
    id,
    topics: [EVENT_SCHEMAS_TOPIC],
    async onEvent({ eventPayload }) {
      if (!isEventTypeChangedPayload(eventPayload)) {
        logger.warn(
          `Ignored an event on topic ${EVENT_SCHEMAS_TOPIC} without action and event type`,
        );
        return;
      }
      await provider.applyChange(eventPayload);
    },
  });
}
