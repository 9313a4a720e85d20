import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PartitionStorage } from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { PipelineModules } from '../extensionPoints';
import { DatabaseDedupeStore } from '../database/DatabaseDedupeStore';
import { SignalsService } from '@backstage/plugin-signals-node';
import { EventTypePolicySource } from '../policies/EventTypePolicies';
import { PartitionSignals } from '../signals/PartitionSignals';
import { Deduper } from './Deduper';

export type {
  ClosedPartition,
  DedupeStore,
  DeliveryRecord,
} from './DedupeStore';
export { Deduper } from './Deduper';
export { dedupePartition } from './dedupePartition';
export type {
  DedupeOptions,
  DedupeResult,
  DedupeTuning,
} from './dedupePartition';
export { KEYS_FORMAT } from './keysFiles';
export type { KeysFile, KeysManifest } from './keysFiles';

/** The scheduler's id of the deduper's task. */
export const DEDUPER_TASK_ID = 'delivery-pipeline-deduper';

/**
 * The dedupe stage's entry point: delivers closed partitions (claims them,
 * drops duplicates against the lookback, writes the delivered files and
 * manifest, records the delivery and queues the exports), as a scheduled
 * task.
 */
export async function createDedupeStage(options: {
  db: Knex;
  scheduler: SchedulerService;
  storage: PartitionStorage;
  /** The exporters modules added: each delivery is queued for each. */
  modules: Pick<PipelineModules, 'exporters'>;
  settings: Pick<PipelineConfig, 'deduper' | 'signals'>;
  /** Where signals to owners find each type's owner. */
  policies: EventTypePolicySource;
  logger: LoggerService;
  /** Where delivered partitions are announced to the portal's pages. */
  signals: SignalsService;
}): Promise<Deduper> {
  const { deduper: settings } = options.settings;
  const deduper = new Deduper({
    store: new DatabaseDedupeStore(options.db),
    storage: options.storage,
    exporterNames: options.modules.exporters.map(e => e.name),
    lookbackMs: settings.lookbackMs,
    maxMemoryBytes: settings.maxMemoryBytes,
    spillDirectory: settings.spillDirectory,
    workerThreads: settings.workerThreads,
    leaseMs: settings.leaseMs,
    logger: options.logger.child({ task: 'deduper' }),
    signals: new PartitionSignals({
      ...options,
      audience: options.settings.signals.audience,
    }),
  });
  // Every replica delivers: partitions are claimed with leases in the
  // plugin's database, so no replica waits on another's task lock.
  await options.scheduler.scheduleTask({
    id: DEDUPER_TASK_ID,
    frequency: settings.frequency,
    timeout: settings.timeout,
    scope: 'local',
    fn: async signal => {
      await deduper.runOnce({ signal });
    },
  });
  return deduper;
}
