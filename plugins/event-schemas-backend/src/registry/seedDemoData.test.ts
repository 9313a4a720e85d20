import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { SchemaRegistry } from './SchemaRegistry';
import { seedDemoData } from './seedDemoData';

jest.setTimeout(60_000);

describe('seedDemoData', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'registers each file with its later versions, once, and skips bad files, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseEventTypeStore.create({
        database: { getClient: async () => knex },
      });
      const registry = new SchemaRegistry({
        store,
        config: DEFAULT_REGISTRY_CONFIG,
      });
      const logger = mockServices.logger.mock();
      const directory = mkdtempSync(join(tmpdir(), 'demo-event-types-'));
      const v1 = {
        type: 'object',
        additionalProperties: false,
        properties: { id: { type: 'string' } },
      };
      writeFileSync(
        join(directory, 'a.json'),
        JSON.stringify({
          name: 'com.example.a',
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema: v1,
          versions: [
            { ...v1, properties: { ...v1.properties, n: { type: 'integer' } } },
          ],
        }),
      );
      writeFileSync(join(directory, 'broken.json'), '{"name": "x"');
      writeFileSync(join(directory, 'notes.txt'), 'not a demo type');

      await seedDemoData({ registry, directory, logger });
      await seedDemoData({ registry, directory, logger });

      const type = await registry.getEventType('com.example.a');
      expect(type.latestVersion).toBe(2);
      expect(type.createdBy).toBe('service:demo-data');
      expect(logger.warn).toHaveBeenCalledWith(
        'Skipped demo event type broken.json',
        expect.anything(),
      );
    },
  );
});
