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

  /** The suite's settings; this is the part the links to the portal use. */
  eventSchemas?: {
    portal?: {
      /**
       * The path where the app mounts the event-schemas page: a search
       * result links to `<eventTypesPath>/<name>`. Default `/event-types`;
       * in a legacy app the `<Route path>` of `EventSchemasPage`.
       * @visibility backend
       */
      eventTypesPath?: string;
    };
  };
}
