import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
    'registers each event type file once, schemaFile included, and skips bad files, %p',
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
      const schema = {
        type: 'object',
        additionalProperties: false,
        properties: { id: { type: 'string' } },
      };
      writeFileSync(
        join(directory, 'a.yaml'),
        [
          'name: com.example.a',
          'owner: group:default/playback',
          'format: jsonschema',
          `schema: ${JSON.stringify(schema)}`,
        ].join('\n'),
      );
      mkdirSync(join(directory, 'schemas'));
      writeFileSync(
        join(directory, 'schemas', 'b.json'),
        JSON.stringify(schema),
      );
      writeFileSync(
        join(directory, 'b.yaml'),
        [
          'name: com.example.b',
          'owner: group:default/playback',
          'format: jsonschema',
          'schemaFile: schemas/b.json',
        ].join('\n'),
      );
      writeFileSync(join(directory, 'broken.json'), '{"name": "x"');
      writeFileSync(join(directory, 'notes.txt'), 'not a demo type');

      await seedDemoData({ registry, directory, logger });
      await seedDemoData({ registry, directory, logger });

      const a = await registry.getEventType('com.example.a');
      expect(a.latestVersion).toBe(1);
      expect(a.createdBy).toBe('service:demo-data');
      const b = await registry.getVersion({
        name: 'com.example.b',
        version: 1,
      });
      expect(JSON.parse(b.schema)).toEqual(schema);
      expect(logger.warn).toHaveBeenCalledWith(
        'Skipped demo event type broken.json',
        expect.anything(),
      );
    },
  );
});
