import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { EventTypeFileSync } from './EventTypeFileSync';

/** Every 5 minutes, the first run soon after start. */
export const DEFAULT_SYNC_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};

/**
 * Runs the sync of every annotated entity on `eventSchemas.sync.schedule`,
 * on one instance at a time (global scope).
 */
export async function scheduleEventTypeFileSync(options: {
  sync: EventTypeFileSync;
  scheduler: SchedulerService;
  config: RootConfigService;
  logger: LoggerService;
}): Promise<void> {
  const { sync, scheduler, config, logger } = options;
  const schedule = config.has('eventSchemas.sync.schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('eventSchemas.sync.schedule'),
      )
    : DEFAULT_SYNC_SCHEDULE;
  await scheduler.scheduleTask({
    id: 'event-schemas-file-sync',
    scope: 'global',
    ...schedule,
    fn: async () => {
      const reports = await sync.syncAll();
      const refused = reports.flatMap(r =>
        r.files.filter(f => f.outcome === 'refused'),
      ).length;
      const failed = reports.filter(r => r.status === 'failed').length;
      logger.info(
        `Synced the event type files of ${reports.length} entities: ${failed} failed, ${refused} files refused`,
      );
    },
  });
}
