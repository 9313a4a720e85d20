import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  EventType,
  EventTypeManagedBy,
} from '@data-collection/plugin-event-schemas-common';
import { eventTypePagePath } from '@data-collection/plugin-event-schemas-node';
import { createHash } from 'node:crypto';

/**
 * Tells a managed type's owners that a change pushed to its file was not
 * registered, and why. The sync calls it once per refused change.
 */
export async function notifyRefusal(options: {
  notifications: NotificationService;
  config: Config;
  eventType: EventType;
  managedBy: EventTypeManagedBy;
  reasons: string[];
}): Promise<void> {
  const { notifications, config, eventType, managedBy, reasons } = options;
  const key = createHash('sha256')
    .update(`${managedBy.location}\n${reasons.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  await notifications.send({
    recipients: { type: 'entity', entityRef: eventType.owner },
    payload: {
      title: `${eventType.name}: the change in ${managedBy.path} was not registered`,
      description: `${reasons.join(' ')} The registry keeps version ${
        eventType.latestVersion
      }; fix ${managedBy.location} and merge it.`,
      link: eventTypePagePath(config, eventType.name, 'overview'),
      severity: 'high',
      topic: eventType.name,
      scope: `event-schemas:${eventType.name}:sync-refused:${key}`,
    },
  });
}
