import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { DatabaseCompletionStore } from '../database/DatabaseCompletionStore';
import { Completionist } from './Completionist';
import {
  QuietPartitionOpener,
  RegisteredEventTypes,
} from './openQuietPartitions';

export type { CompletionStore } from './CompletionStore';
export { Completionist } from './Completionist';
export { QuietPartitionOpener } from './openQuietPartitions';

/** The scheduler's id of the completionist's task. */
export const COMPLETIONIST_TASK_ID = 'delivery-pipeline-completionist';

/**
 * The completion stage's entry point: closes partitions the consumer's
 * watermark proves complete, as a scheduled task.
 */
export async function createCompletionStage(options: {
  db: Knex;
  scheduler: SchedulerService;
  /** The transport whose consumer progress proves completeness. */
  transportName: string;
  /** The registry's event types, whose quiet windows are opened too. */
  eventTypes: RegisteredEventTypes;
  settings: Pick<PipelineConfig, 'completionist' | 'partitions'>;
  logger: LoggerService;
}): Promise<Completionist> {
  const { settings } = options;
  const store = new DatabaseCompletionStore(options.db);
  const logger = options.logger.child({ task: 'completionist' });
  const completionist = new Completionist({
    store,
    transportName: options.transportName,
    graceMs: settings.partitions.graceMs,
    logger,
    quietPartitions: new QuietPartitionOpener({
      store,
      eventTypes: options.eventTypes,
      widthMs: settings.partitions.widthMs,
      graceMs: settings.partitions.graceMs,
      maxBackfillMs: settings.completionist.maxQuietBackfillMs,
      maxWindowsPerRun: settings.completionist.maxQuietPartitionsPerRun,
      logger,
    }),
  });
  // A singleton across replicas: the scheduler's global scope holds a
  // database lock while the task runs (until its timeout if the replica
  // dies, hence a short one).
  await options.scheduler.scheduleTask({
    id: COMPLETIONIST_TASK_ID,
    frequency: settings.completionist.frequency,
    timeout: settings.completionist.timeout,
    scope: 'global',
    fn: async () => {
      await completionist.runOnce();
    },
  });
  return completionist;
}
