import {
  AuditorService,
  AuthService,
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScmEventsService } from '@backstage/plugin-catalog-node/alpha';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { durationToMilliseconds } from '@backstage/types';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import { EventTypeFileStore } from '../database/EventTypeFileStore';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { RegistryConfig } from '../service/config';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { EventTypeFileSync } from './EventTypeFileSync';
import { notifyFileRefusal, notifyRefusal } from './notifyRefusal';
import { scheduleEventTypeFileSync } from './scheduleEventTypeFileSync';
import { DEFAULT_SCM_EVENTS_DEBOUNCE_MS, ScmEventSync } from './ScmEventSync';

/**
 * Wires the sync of event type files and returns it, for the routes:
 * schedules it, and syncs the sources that SCM events name (the events the
 * catalog refreshes its locations on). The catalog publishes no
 * entity-change events on the events service (only conflicts and
 * processing errors), so the schedule, SCM events and `POST /sync` are how
 * changes arrive.
 */
export async function createEventTypeFileSync(options: {
  registry: SchemaRegistry;
  fileStore: EventTypeFileStore;
  registryConfig: RegistryConfig;
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
  rateLimiter: RegistrationRateLimiter;
  scmEvents: CatalogScmEventsService;
  lifecycle: LifecycleService;
  urlReader: UrlReaderService;
  scheduler: SchedulerService;
  notifications: NotificationService;
  events: EventsService;
  auditor: AuditorService;
  logger: LoggerService;
}): Promise<EventTypeFileSync> {
  const { config, notifications } = options;
  const integrations = ScmIntegrations.fromConfig(config);
  const sync = new EventTypeFileSync({
    ...options,
    config: options.registryConfig,
    integrations,
    announce: async name => {
      try {
        await options.events.publish({
          topic: EVENT_SCHEMAS_TOPIC,
          eventPayload: { action: 'upserted', eventType: name },
        });
      } catch (error) {
        // The catalog's scheduled full sync catches up.
        options.logger.warn(
          `Could not publish the change of ${name}: ${error}`,
        );
      }
    },
    notifyRefusal: refusal =>
      notifyRefusal({ notifications, config, ...refusal }),
    notifyFileRefusal: refusal =>
      notifyFileRefusal({ notifications, ...refusal }),
  });
  await scheduleEventTypeFileSync({ ...options, sync });
  const scmEventSync = new ScmEventSync({
    ...options,
    sync,
    integrations,
    debounceMs: config.has('eventSchemas.sync.scmEvents.debounce')
      ? durationToMilliseconds(
          readDurationFromConfig(config, {
            key: 'eventSchemas.sync.scmEvents.debounce',
          }),
        )
      : DEFAULT_SCM_EVENTS_DEBOUNCE_MS,
  });
  scmEventSync.start();
  options.lifecycle.addShutdownHook(() => scmEventSync.stop());
  return sync;
}

export { addSyncRoutes } from './syncRoutes';
