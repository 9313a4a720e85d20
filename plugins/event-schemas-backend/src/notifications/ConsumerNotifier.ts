import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EventTypeConsumer } from '@data-collection/plugin-event-schemas-common';
import {
  eventTypePagePath,
  EventTypePageTab,
} from '@data-collection/plugin-event-schemas-node';
import { EventTypeConsumers } from '../consumers/EventTypeConsumers';
import { EventTypeChange } from '../registry/SchemaRegistry';

/** What consumers are told, or nothing when a change does not concern them. */
export function describeChangeForConsumers(change: EventTypeChange):
  | {
      title: string;
      description: string;
      scope: string;
      name: string;
      /** The tab of the type's page that shows what changed. */
      tab: EventTypePageTab;
    }
  | undefined {
  switch (change.action) {
    case 'version-added': {
      const { eventType, version } = change;
      return {
        name: eventType.name,
        tab: 'versions',
        title: `${eventType.name}: schema version ${version.version} registered`,
        description: `${version.createdBy} registered version ${
          version.version
        } of ${eventType.name}, ${
          version.consumerCheck
            ? `which breaks ${
                eventType.compatibility
              } compatibility only in fields no consumer declares it reads (accepted under the CONSUMERS scope): ${version.consumerCheck.problems
                .map(problem => problem.message)
                .join('; ')}`
            : `checked ${eventType.compatibility} compatible with the earlier versions`
        }. Producers may start sending it; review your consumer.`,
        scope: `event-schemas:${eventType.name}:version:${version.version}`,
      };
    }
    case 'updated': {
      const deprecation = change.changes.deprecation;
      // A retirement is told by SunsetReminders, which records it per
      // consumer; the reminders before it too.
      if (!deprecation || deprecation.retiredAt) return undefined;
      const { eventType } = change;
      return {
        name: eventType.name,
        tab: 'overview',
        title: `${eventType.name} is deprecated`,
        description: `${deprecation.reason}${
          deprecation.successor ? ` Use ${deprecation.successor} instead.` : ''
        }${
          deprecation.sunsetAt
            ? ` It will be retired on ${deprecation.sunsetAt}, and refuse events from then on.`
            : ''
        }`,
        scope: `event-schemas:${eventType.name}:deprecated`,
      };
    }
    case 'version-updated': {
      const { eventType, version } = change;
      if (!version.deprecation) return undefined;
      return {
        name: eventType.name,
        tab: 'versions',
        title: `${eventType.name}: version ${version.version} is deprecated`,
        description: `${version.deprecation.reason}${
          version.deprecation.successor
            ? ` Use version ${version.deprecation.successor} instead.`
            : ''
        }`,
        scope: `event-schemas:${eventType.name}:version:${version.version}:deprecated`,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Tells the owners of the components that consume an event type (those that
 * list its API entity in `spec.consumesApis`) about a new schema version or
 * a deprecation, through Backstage notifications.
 */
export class ConsumerNotifier {
  private readonly consumers: EventTypeConsumers;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      notifications: NotificationService;
      auth: AuthService;
      logger: LoggerService;
      /**
       * The root config: the notification links to the type's page under
       * `eventSchemas.portal.eventTypesPath`.
       */
      config: Config;
    },
  ) {
    this.consumers = new EventTypeConsumers(options);
  }

  /** The type's consumers, with their owners. */
  listConsumers(name: string): Promise<EventTypeConsumer[]> {
    return this.consumers.list(name);
  }

  /** The owners (entity refs) of the type's consumers, each once. */
  async consumerOwners(name: string): Promise<string[]> {
    const consumers = await this.consumers.list(name);
    return [...new Set(consumers.flatMap(consumer => consumer.owner ?? []))];
  }

  async notify(change: EventTypeChange): Promise<void> {
    const message = describeChangeForConsumers(change);
    if (!message) return;
    const { notifications, logger, config } = this.options;
    const owners = await this.consumerOwners(message.name);
    if (owners.length === 0) return;
    logger.info(
      `Notifying ${owners.length} consumer owner(s) of ${message.name}: ${message.title}`,
    );
    await notifications.send({
      recipients: { type: 'entity', entityRef: owners },
      payload: {
        title: message.title,
        description: message.description,
        // The app resolves a path against its own base URL.
        link: eventTypePagePath(config, message.name, message.tab),
        severity: 'normal',
        topic: message.name,
        scope: message.scope,
      },
    });
  }
}
