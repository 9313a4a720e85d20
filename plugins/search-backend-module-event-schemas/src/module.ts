import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { readEventTypesPath } from '@data-collection/plugin-event-schemas-node';
import { readCollatorSchedule } from './config';
import { EventTypeCollatorFactory } from './EventTypeCollatorFactory';

/**
 * Indexes the schema registry's event types for the portal's search
 * (document type `event-type`), on the schedule
 * `search.collators.eventTypes.schedule`.
 *
 * @public
 */
export const searchModuleEventSchemasCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'event-schemas-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        auth,
        config,
        discovery,
        logger,
        scheduler,
        indexRegistry,
      }) {
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(
            readCollatorSchedule(config),
          ),
          factory: new EventTypeCollatorFactory({
            reader: new HttpEventTypeReader({ discovery, auth }),
            eventTypesPath: readEventTypesPath(config),
            logger,
          }),
        });
      },
    });
  },
});
