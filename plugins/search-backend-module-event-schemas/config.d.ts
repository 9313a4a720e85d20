import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The search module searchModuleEventSchemasCollator: every event type in the portal's search. */
      eventTypes?: {
        /**
         * When the event types are indexed again. Default every 10 minutes,
         * 15 minute timeout, first run 15 seconds after start (the registry
         * registers its demo types at start), scope global.
         * @visibility backend
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
