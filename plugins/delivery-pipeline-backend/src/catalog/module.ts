import {
  coreServices,
  createBackendModule,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  HttpEventTypeReader,
  readSyncSchedule,
  subscribeToEventTypeChanges,
} from '@internal/plugin-event-schemas-node';
import { DeliveredDatasetEntityProvider } from './DeliveredDatasetEntityProvider';
import { HttpDeliveredRootReader } from './HttpDeliveredRootReader';

const SCHEDULE_CONFIG_KEY = 'deliveryPipeline.catalog.schedule';

/**
 * Changes reach the catalog as events within seconds; the full sync is the
 * safety net for lost events and removes what was deleted meanwhile. The
 * initial delay gives the registry and the pipeline time to start in the
 * same backend.
 */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
  scope: 'global',
};

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
        const provider = new DeliveredDatasetEntityProvider({
          eventTypes: new HttpEventTypeReader({ discovery, auth }),
          deliveredRoot: new HttpDeliveredRootReader({ discovery, auth }),
          // Users follow the entities' links, so the externally reachable URL.
          registryUrl: await discovery.getExternalBaseUrl('event-schemas'),
          appBaseUrl: config.getString('app.baseUrl'),
          logger,
          scheduler,
          schedule: readSyncSchedule(config, {
            key: SCHEDULE_CONFIG_KEY,
            defaults: DEFAULT_SCHEDULE,
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
