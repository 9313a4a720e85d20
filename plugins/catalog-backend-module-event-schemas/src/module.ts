import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { EventTypeEntityProvider } from './EventTypeEntityProvider';
import {
  HttpEventTypeReader,
  readEventTypesPath,
  readSyncSchedule,
  subscribeToEventTypeChanges,
} from '@data-collection/plugin-event-schemas-node';

const SCHEDULE_CONFIG_KEY = 'eventSchemas.catalog.schedule';

/**
 * Catalog module that makes every event type of the schema registry an
 * `API` entity, with an AsyncAPI definition of its latest schema.
 *
 * @public
 */
export const catalogModuleEventTypes = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'event-types',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        scheduler,
        config,
        logger,
        discovery,
        auth,
        events,
      }) {
        // A bad eventSchemas.portal.eventTypesPath fails the start, not the
        // first sync.
        readEventTypesPath(config);
        const provider = new EventTypeEntityProvider({
          eventTypes: new HttpEventTypeReader({ discovery, auth }),
          // Users follow the entities' links, so the externally reachable URL.
          registryUrl: await discovery.getExternalBaseUrl('event-schemas'),
          // app.baseUrl and eventSchemas.portal.eventTypesPath, for the links.
          config,
          logger,
          scheduler,
          schedule: readSyncSchedule(config, {
            key: SCHEDULE_CONFIG_KEY,
          }),
        });
        catalog.addEntityProvider(provider);

        await subscribeToEventTypeChanges({
          events,
          id: 'event-types-entity-provider',
          logger,
          provider,
        });
      },
    });
  },
});

export default catalogModuleEventTypes;
