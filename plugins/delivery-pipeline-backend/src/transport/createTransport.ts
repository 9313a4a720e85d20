import { LoggerService } from '@backstage/backend-plugin-api';
import { EventTransport } from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { PipelineModules } from '../extensionPoints';
import { observeTransport } from '../metrics';
import { DatabaseEventTransport } from './DatabaseEventTransport';
import { LocalEventTransport } from './LocalEventTransport';

/** The transport events go through, and the name its progress is kept under. */
export type ChosenTransport = {
  transport: EventTransport;
  /** `extension`, `database` or `local`: names the consumer's progress. */
  transportName: string;
};

/**
 * The transport stage's entry point: a module's transport when one was set
 * through the extension point, else the configured built-in one (`local`, a
 * SQLite file per replica; or `database`, the plugin's database). Its
 * backlog is observed as metrics either way.
 */
export async function createTransport(options: {
  /** A transport set through the extension point wins over the config. */
  modules: Pick<PipelineModules, 'transport'>;
  settings: Pick<PipelineConfig, 'transport'>;
  /** The plugin's database, already migrated. */
  db: Knex;
  logger: LoggerService;
}): Promise<ChosenTransport> {
  const { db, logger } = options;
  const moduleTransport = options.modules.transport;
  const settings = options.settings.transport;
  const backlog = {
    maxBacklogEvents: settings.maxBacklogEvents,
    maxBacklogBytes: settings.maxBacklogBytes,
  };
  let chosen: ChosenTransport;
  if (moduleTransport) {
    chosen = { transport: moduleTransport, transportName: 'extension' };
  } else if (settings.type === 'database') {
    const transport = await DatabaseEventTransport.create({
      // Migrated by the plugin already.
      database: { getClient: async () => db, migrations: { skip: true } },
      ...backlog,
      logger,
    });
    chosen = { transport, transportName: 'database' };
  } else {
    const transport = await LocalEventTransport.create({
      directory: settings.directory,
      ...backlog,
      logger,
    });
    chosen = { transport, transportName: 'local' };
  }
  observeTransport(chosen.transport);
  return chosen;
}
