import {
  coreServices,
  createBackendModule,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { EventTypeEntityProvider } from './catalog/EventTypeEntityProvider';
import {
  HttpEventTypeReader,
  readSyncSchedule,
  subscribeToEventTypeChanges,
} from '@internal/plugin-event-schemas-node';

const SCHEDULE_CONFIG_KEY = 'eventSchemas.catalog.schedule';

/**
 * Changes reach the catalog as events within seconds; the full sync is the
 * safety net for lost events and removes what was deleted meanwhile. The
 * initial delay gives the registry time to start in the same backend.
 */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
  scope: 'global',
};

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
        const provider = new EventTypeEntityProvider({
          reader: new HttpEventTypeReader({ discovery, auth }),
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
          id: 'event-types-entity-provider',
          logger,
          provider,
        });
      },
    });
  },
});

export default catalogModuleEventTypes;
