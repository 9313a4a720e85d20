import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  HttpEventTypeReader,
  readEventTypesPath,
  readSyncSchedule,
  subscribeToEventTypeChanges,
} from '@data-collection/plugin-event-schemas-node';
import { DeliveredDatasetEntityProvider } from './DeliveredDatasetEntityProvider';
import { HttpDeliveredRootReader } from './HttpDeliveredRootReader';

const SCHEDULE_CONFIG_KEY = 'deliveryPipeline.catalog.schedule';

/**
 * Catalog module that gives every event type of the schema registry a
 * `Resource` entity (`spec.type: dataset`) for its delivered data, which
 * depends on the event type's `API` entity.
 *
 * @public
 */
export const catalogModuleDeliveredDatasets = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'delivered-datasets',
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
        const provider = new DeliveredDatasetEntityProvider({
          eventTypes: new HttpEventTypeReader({ discovery, auth }),
          deliveredRoot: new HttpDeliveredRootReader({ discovery, auth }),
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
          id: 'delivered-datasets-entity-provider',
          logger,
          provider,
        });
      },
    });
  },
});
