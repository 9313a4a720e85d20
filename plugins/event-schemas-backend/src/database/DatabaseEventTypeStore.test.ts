import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEventTypeStore } from './DatabaseEventTypeStore';

jest.setTimeout(60_000);

describe('DatabaseEventTypeStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'runs its migrations and answers a ping, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await knex.schema.hasTable('event_types')).toBe(true);
      expect(await knex.schema.hasTable('event_type_versions')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists event types by name with their latest version, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      expect(await store.listEventTypes()).toEqual([]);

      const at = new Date('2026-11-23T10:00:00Z');
      await knex('event_types').insert([
        {
          name: 'com.example.playback.started',
          title: 'Playback started',
          owner: 'group:default/playback',
          lifecycle: 'production',
          format: 'jsonschema',
          compatibility: 'BACKWARD',
          created_at: at,
          updated_at: at,
        },
        {
          name: 'com.example.checkout.completed',
          owner: 'group:default/payments',
          lifecycle: 'experimental',
          format: 'avro',
          compatibility: 'FULL',
          created_at: at,
          updated_at: at,
        },
      ]);
      await knex('event_type_versions').insert(
        [1, 2].map(version => ({
          event_type: 'com.example.playback.started',
          version,
          schema: `{"type":"object","title":"v${version}"}`,
          fingerprint: `fingerprint-${version}`,
          created_by: 'user:default/guest',
          created_at: at,
        })),
      );

      expect(await store.listEventTypes()).toEqual([
        {
          name: 'com.example.checkout.completed',
          title: undefined,
          description: undefined,
          owner: 'group:default/payments',
          lifecycle: 'experimental',
          format: 'avro',
          compatibility: 'FULL',
          latestVersion: undefined,
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        },
        {
          name: 'com.example.playback.started',
          title: 'Playback started',
          description: undefined,
          owner: 'group:default/playback',
          lifecycle: 'production',
          format: 'jsonschema',
          compatibility: 'BACKWARD',
          latestVersion: 2,
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        },
      ]);
    },
  );
});
