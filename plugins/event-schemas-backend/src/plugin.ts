import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogScmEventsServiceRef } from '@backstage/plugin-catalog-node/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { eventSchemasPermissions } from '@data-collection/plugin-event-schemas-common';
import { registerEventTypeActions } from './actions';
import { ConsumerImpact } from './consumers/ConsumerImpact';
import { EventTypeConsumers } from './consumers/EventTypeConsumers';
import { DatabaseEventTypeStore } from './database/DatabaseEventTypeStore';
import { DatabaseSchemaReferenceStore } from './database/DatabaseSchemaReferenceStore';
import { ConsumerNotifier } from './notifications/ConsumerNotifier';
import { eventTypePermissionResourceRef, isOwnerRule } from './permissions';
import { publishChange } from './registry/publishChange';
import { SchemaRegistry } from './registry/SchemaRegistry';
import { seedDemoData } from './registry/seedDemoData';
import { readContractDelivery } from './contract/readContractDelivery';
import { readRegistryConfig } from './service/config';
import { scheduleSunsetTask } from './lifecycle/scheduleSunsetTask';
import { OwnershipAuthorization } from './service/OwnershipAuthorization';
import { ReadAuthorization } from './service/ReadAuthorization';
import { RegistrationRateLimiter } from './service/RegistrationRateLimiter';
import { createRouter } from './service/router';
import { addSyncRoutes, createEventTypeFileSync } from './sync';

/**
 * The schema registry: event types, their versions, compatibility checks and
 * validation, at /api/event-schemas.
 *
 * @public
 */
export const eventSchemasPlugin = createBackendPlugin({
  pluginId: 'event-schemas',
  register(env) {
    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        scmEvents: catalogScmEventsServiceRef,
        urlReader: coreServices.urlReader,
        userInfo: coreServices.userInfo,
      },
      async init(deps) {
        const { database, httpRouter, logger, permissionsRegistry } = deps;
        const config = readRegistryConfig(deps.config);
        const store = await DatabaseEventTypeStore.create({ database });

        permissionsRegistry.addPermissions(eventSchemasPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: eventTypePermissionResourceRef,
          permissions: eventSchemasPermissions,
          rules: [isOwnerRule],
          getResources: names =>
            Promise.all(names.map(name => store.getEventType(name))),
        });

        const notifier = new ConsumerNotifier(deps);
        const fileStore = store.fileStore();
        const consumers = new EventTypeConsumers(deps);
        const registry = new SchemaRegistry({
          store,
          fileStore,
          config,
          consumers,
          references: new DatabaseSchemaReferenceStore(
            await database.getClient(),
          ),
          baseUrl: await deps.discovery.getExternalBaseUrl('event-schemas'),
          onChange: change =>
            publishChange({ change, events: deps.events, notifier, logger }),
        });

        await scheduleSunsetTask({
          ...deps,
          config: deps.config,
          registry,
          store,
          consumers: name => notifier.listConsumers(name),
        });

        const rateLimiter = RegistrationRateLimiter.fromConfig(deps.config);
        const rules = permissionsRegistry.getPermissionRuleset(
          eventTypePermissionResourceRef,
        );
        const reads = new ReadAuthorization({
          permissions: deps.permissions,
          rules,
        });
        const ownership = new OwnershipAuthorization({
          permissions: deps.permissions,
          userInfo: deps.userInfo,
          rules,
        });
        const sync = await createEventTypeFileSync({
          ...deps,
          registry,
          fileStore,
          registryConfig: config,
          rateLimiter,
        });
        httpRouter.use(
          await createRouter({
            registry,
            config,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            ownership,
            reads,
            rateLimiter,
            auditor: deps.auditor,
            impact: new ConsumerImpact({ registry, consumers, logger }),
            ping: () => store.ping(),
            logger,
            contractDelivery: readContractDelivery(deps.config),
            addRoutes: api =>
              addSyncRoutes({
                api,
                sync,
                fileStore,
                catalog: deps.catalog,
                registry,
                httpAuth: deps.httpAuth,
                permissions: deps.permissions,
                ownership,
                rateLimiter,
                auditor: deps.auditor,
              }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        registerEventTypeActions({
          actionsRegistry: deps.actionsRegistry,
          registry,
          permissions: deps.permissions,
          reads,
          rateLimiter,
          auditor: deps.auditor,
        });

        const demoData =
          deps.config.getOptionalStringArray(
            'eventSchemas.demoData.directories',
          ) ?? [];
        if (demoData.length > 0) {
          // After startup, so that the catalog hears about the demo types.
          deps.lifecycle.addStartupHook(async () => {
            for (const directory of demoData) {
              await seedDemoData({ registry, directory, logger });
            }
          });
        }
      },
    });
  },
});
