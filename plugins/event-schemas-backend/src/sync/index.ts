import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import express from 'express';
import { EventTypeFileStore } from '../database/EventTypeFileStore';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { RegistryConfig } from '../service/config';
import { OwnershipAuthorization } from '../service/OwnershipAuthorization';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { createSyncRouter } from './createSyncRouter';
import { EventTypeFileSync } from './EventTypeFileSync';
import { notifyRefusal } from './notifyRefusal';
import { scheduleEventTypeFileSync } from './scheduleEventTypeFileSync';

/**
 * Wires the sync of event type files: schedules it and returns the router
 * of `POST /sync`. The catalog publishes no entity-change events on the
 * events service (only conflicts and processing errors), so the schedule
 * and `POST /sync` are how changes arrive.
 */
export async function createEventTypeFileSync(options: {
  registry: SchemaRegistry;
  fileStore: EventTypeFileStore;
  registryConfig: RegistryConfig;
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  ownership: OwnershipAuthorization;
  rateLimiter: RegistrationRateLimiter;
  urlReader: UrlReaderService;
  scheduler: SchedulerService;
  notifications: NotificationService;
  events: EventsService;
  auditor: AuditorService;
  logger: LoggerService;
}): Promise<express.Router> {
  const { config, notifications } = options;
  const sync = new EventTypeFileSync({
    ...options,
    config: options.registryConfig,
    integrations: ScmIntegrations.fromConfig(config),
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
  });
  await scheduleEventTypeFileSync({ ...options, sync });
  return createSyncRouter({ ...options, sync });
}
