import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { EventTransport } from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readPipelineConfig } from '../config';
import { migrateDatabase } from '../database/migrateDatabase';
import { createTransport } from './createTransport';
import { DatabaseEventTransport } from './DatabaseEventTransport';
import { LocalEventTransport } from './LocalEventTransport';

jest.setTimeout(60_000);

describe('createTransport', () => {
  const databases = TestDatabases.create();
  const logger = mockServices.logger.mock();
  const settingsOf = (transport: object) =>
    readPipelineConfig(
      mockServices.rootConfig({ data: { deliveryPipeline: { transport } } }),
    );

  it.each(databases.eachSupportedId())(
    "takes a module's transport over the config, %p",
    async databaseId => {
      const db = await databases.init(databaseId);
      const transport = { close: async () => {} } as unknown as EventTransport;
      expect(
        await createTransport({
          modules: { transport },
          settings: settingsOf({ type: 'database' }),
          db,
          logger,
        }),
      ).toEqual({ transport, transportName: 'extension' });
    },
  );

  it.each(databases.eachSupportedId())(
    "uses the plugin's database when configured to, %p",
    async databaseId => {
      const db = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => db });
      const chosen = await createTransport({
        modules: {},
        settings: settingsOf({ type: 'database' }),
        db,
        logger,
      });
      expect(chosen.transportName).toBe('database');
      expect(chosen.transport).toBeInstanceOf(DatabaseEventTransport);
      await chosen.transport.close();
    },
  );

  it('uses a local transport by default, in the configured folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'create-transport-'));
    const db = await databases.init('SQLITE_3');
    const chosen = await createTransport({
      modules: {},
      settings: settingsOf({ directory: dir }),
      db,
      logger,
    });
    expect(chosen.transportName).toBe('local');
    expect(chosen.transport).toBeInstanceOf(LocalEventTransport);
    await chosen.transport.close();
    expect(await fs.readdir(dir)).not.toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
