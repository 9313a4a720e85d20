import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The schema registry's settings; these are its catalog module's. */
  eventSchemas?: {
    /** The catalog module that turns event types into API entities. */
    catalog?: {
      /**
       * When the full sync of all event types into the catalog runs. Changes
       * arrive within seconds through the events service; the full sync
       * catches up on lost events and removes the entities of deleted types.
       * Default every 30 minutes, 10 minute timeout, first run 15 seconds
       * after start, scope global.
       * @visibility backend
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
