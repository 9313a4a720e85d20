import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import {
  EVENT_SCHEMAS_TOPIC,
  EventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';
import { ConsumerNotifier } from '../notifications/ConsumerNotifier';
import { EventTypeChange } from './SchemaRegistry';

/**
 * Tells the rest of the portal about a change that is already stored: the
 * catalog module (through the events service) and the consumers' owners
 * (through notifications). Failures are logged, never thrown: the change
 * itself succeeded, and the catalog's scheduled full sync catches up.
 */
export async function publishChange(options: {
  change: EventTypeChange;
  events: EventsService;
  notifier: ConsumerNotifier;
  logger: LoggerService;
}): Promise<void> {
  const { change, events, notifier, logger } = options;
  const name =
    change.action === 'deleted' ? change.name : change.eventType.name;
  const eventPayload: EventTypeChangedPayload = {
    action: change.action === 'deleted' ? 'deleted' : 'upserted',
    eventType: name,
  };
  try {
    await events.publish({ topic: EVENT_SCHEMAS_TOPIC, eventPayload });
  } catch (error) {
    logger.warn(`Could not publish the change of ${name}`, toError(error));
  }
  try {
    await notifier.notify(change);
  } catch (error) {
    logger.warn(
      `Could not notify the consumers of ${name} about the change`,
      toError(error),
    );
  }
}
