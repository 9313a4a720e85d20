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

  /** The schema registry's settings; this is the part the portal's links use. */
  eventSchemas?: {
    portal?: {
      /**
       * Where the portal serves the event types page: a search result links
       * to `<eventTypesPath>/<name>`. Default `/event-types`, where the
       * event-schemas frontend plugin mounts its page.
       * @visibility frontend
       */
      eventTypesPath?: string;
    };
  };
}
