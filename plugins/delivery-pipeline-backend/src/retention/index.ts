import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PartitionStorage } from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { DatabaseRetentionStore } from '../database/DatabaseRetentionStore';
import { FailedEventStore } from '../database/FailedEventStore';
import { EventTypePolicySource } from '../policies/EventTypePolicies';
import { FailedEventRetention } from './FailedEventRetention';
import { RetentionTask } from './RetentionTask';

export type {
  NewRetentionDeletion,
  RetentionPartition,
  RetentionRawFile,
  RetentionStore,
} from './RetentionStore';
export { FailedEventRetention } from './FailedEventRetention';
export { RetentionTask } from './RetentionTask';

/** The scheduler's id of the retention task. */
export const RETENTION_TASK_ID = 'delivery-pipeline-retention';

/**
 * The retention stage's entry point: deletes raw and delivered files past
 * their type's policy and failed events past theirs, and rewraps the
 * keychain (so a rotated key-encryption key takes effect), as a scheduled
 * task on one replica at a time. Returns the log of deletions the router
 * serves.
 */
export async function createRetentionStage(options: {
  db: Knex;
  scheduler: SchedulerService;
  storage: PartitionStorage;
  policies: EventTypePolicySource;
  failedEvents: FailedEventStore;
  keychain: { rewrap(): Promise<unknown> };
  settings: Pick<PipelineConfig, 'retention' | 'failedEvents'>;
  logger: LoggerService;
}): Promise<{ deletions: Pick<DatabaseRetentionStore, 'listDeletions'> }> {
  const { settings, keychain } = options;
  const logger = options.logger.child({ task: 'retention' });
  const store = new DatabaseRetentionStore(options.db);
  const retention = new RetentionTask({
    store,
    storage: options.storage,
    policies: options.policies,
    logger,
  });
  const failedEventRetention = new FailedEventRetention({
    failedEvents: options.failedEvents,
    retentionMs: settings.failedEvents.retentionMs,
    logger,
  });
  await options.scheduler.scheduleTask({
    id: RETENTION_TASK_ID,
    frequency: settings.retention.frequency,
    timeout: { minutes: 30 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      await retention.runOnce();
      await failedEventRetention.runOnce();
      await keychain.rewrap();
    },
  });
  return { deletions: store };
}
