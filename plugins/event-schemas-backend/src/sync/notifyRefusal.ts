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

/**
 * Tells the owners of an annotated entity that a file of theirs registered
 * nothing, and why: a file that manages no type yet (invalid, wrong owner,
 * a name another file manages). The sync calls it once per refusal.
 */
export async function notifyFileRefusal(options: {
  notifications: NotificationService;
  /** The entity that declares the files; its owners are told. */
  entityRef: string;
  path: string;
  /** The file's URL. */
  location: string;
  reasons: string[];
}): Promise<void> {
  const { notifications, entityRef, path, location, reasons } = options;
  const key = createHash('sha256')
    .update(`${location}\n${reasons.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  await notifications.send({
    recipients: { type: 'entity', entityRef },
    payload: {
      title: `${path} of ${entityRef} registered no event type`,
      description: `${reasons.join(' ')} Fix ${location} and merge it.`,
      link: location,
      severity: 'high',
      topic: entityRef,
      scope: `event-schemas:${entityRef}:${path}:sync-refused:${key}`,
    },
  });
}
