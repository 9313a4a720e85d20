import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { SignalsService } from '@backstage/plugin-signals-node';
import { PartitionSignals } from '../signals/PartitionSignals';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { DatabaseSlaStore } from '../database/DatabaseSlaStore';
import { EventTypePolicySource } from '../policies/EventTypePolicies';
import { DatabaseCompletionStore } from '../database/DatabaseCompletionStore';
import { MissingPartitionsCheck } from './missingPartitions';
import { SlaMonitor } from './SlaMonitor';

export type { SlaCursor, SlaPartition, SlaStore } from './SlaStore';
export {
  SLA_NOTIFICATION_TOPIC,
  SlaMonitor,
  slaNotificationScope,
} from './SlaMonitor';

/** The scheduler's id of the SLA monitor's task. */
export const SLA_MONITOR_TASK_ID = 'delivery-pipeline-sla-monitor';

/**
 * The monitor stage's entry point: finds partitions past their type's SLA
 * and notifies their owners, and finds windows with no partition at all
 * (missing: the alarm of a stalled consumer or completionist), as a
 * scheduled task on one replica at a time.
 */
export async function createMonitorStage(options: {
  db: Knex;
  scheduler: SchedulerService;
  policies: EventTypePolicySource;
  notifications: NotificationService;
  settings: Pick<PipelineConfig, 'sla' | 'partitions' | 'signals'>;
  logger: LoggerService;
  /** The root config, for the notifications' links. */
  config: Config;
  /** Where late and missing partitions are announced to the portal. */
  signals: SignalsService;
}): Promise<SlaMonitor> {
  const logger = options.logger.child({ task: 'sla-monitor' });
  const signals = new PartitionSignals({
    signals: options.signals,
    logger,
    audience: options.settings.signals.audience,
    policies: options.policies,
  });
  const monitor = new SlaMonitor({
    store: new DatabaseSlaStore(options.db),
    policies: options.policies,
    notifications: options.notifications,
    logger,
    config: options.config,
    signals,
  });
  const missingPartitions = new MissingPartitionsCheck({
    // Read only: the completion stage owns these records.
    openings: new DatabaseCompletionStore(options.db),
    policies: options.policies,
    widthMs: options.settings.partitions.widthMs,
    logger,
    signals,
  });
  missingPartitions.observe();
  await options.scheduler.scheduleTask({
    id: SLA_MONITOR_TASK_ID,
    frequency: options.settings.sla.frequency,
    timeout: { minutes: 5 },
    scope: 'global',
    fn: async () => {
      try {
        await monitor.runOnce();
      } finally {
        await missingPartitions.runOnce();
      }
    },
  });
  return monitor;
}
