import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The delivery pipeline's settings; these are the catalog module's. */
  deliveryPipeline?: {
    /** The catalog module catalogModuleDeliveredDatasets: a dataset Resource per event type. */
    catalog?: {
      /**
       * When the full sync of the dataset entities runs. Changes of event
       * types arrive within seconds through the events service; the full sync
       * catches up on lost events and removes the datasets of deleted types.
       * Default every 30 minutes, 10 minute timeout, first run 15 seconds
       * after start, scope global.
       * @visibility backend
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
