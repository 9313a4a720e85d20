import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PartitionStorage } from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { PipelineModules } from '../extensionPoints';
import { DatabaseExportStore } from '../database/DatabaseExportStore';
import { ExportRunner } from './ExportRunner';

export type { ExportStore, PendingExport } from './ExportStore';
export { ExportRunner } from './ExportRunner';

/** The scheduler's id of the exporter's task. */
export const EXPORTER_TASK_ID = 'delivery-pipeline-exporter';

/**
 * The export stage's entry point: hands delivered partitions to the
 * exporters modules added, as a scheduled task. It runs as often as the
 * deduper (`deliveryPipeline.deduper.frequency` and `.timeout`), which fills
 * its queue.
 */
export async function createExportStage(options: {
  db: Knex;
  scheduler: SchedulerService;
  storage: PartitionStorage;
  /** The exporters modules added through the extension point. */
  modules: Pick<PipelineModules, 'exporters'>;
  settings: Pick<PipelineConfig, 'deduper'>;
  logger: LoggerService;
}): Promise<ExportRunner> {
  const runner = new ExportRunner({
    store: new DatabaseExportStore(options.db),
    storage: options.storage,
    exporters: options.modules.exporters,
    logger: options.logger.child({ task: 'exporter' }),
  });
  // Every replica exports: exports are claimed with leases in the plugin's
  // database, as the deduper's partitions are.
  await options.scheduler.scheduleTask({
    id: EXPORTER_TASK_ID,
    frequency: options.settings.deduper.frequency,
    timeout: options.settings.deduper.timeout,
    scope: 'local',
    fn: async () => {
      await runner.runOnce();
    },
  });
  return runner;
}
