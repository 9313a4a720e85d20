import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createPartitionStores,
  hour,
  rawFile,
} from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// The router's read side of the partitions.
describe('DatabasePartitionReadStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  // Every stage's store on one database: the stages before this one's set
  // the rows up, as they do in the pipeline.
  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    return { knex, stores: await createPartitionStores(knex) };
  }

  it.each(databases.eachSupportedId())(
    'runs its migrations and answers a ping, %p',
    async databaseId => {
      const { knex, stores } = await createStore(databaseId);
      await expect(stores.reader.ping()).resolves.toBeUndefined();
      expect(await knex.schema.hasTable('partitions')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists partitions filtered by event type and time window, %p',
    async databaseId => {
      const { knex, stores } = await createStore(databaseId);
      await knex('partitions').insert([
        {
          event_type: 'com.example.playback.started',
          start: hour(9),
          end: hour(10),
          state: 'delivered',
          received: 1200,
          bytes: 3_000_000_000,
          closed_at: new Date(Date.UTC(2026, 10, 23, 10, 5)),
          delivered_at: new Date(Date.UTC(2026, 10, 23, 10, 9)),
        },
        {
          event_type: 'com.example.playback.started',
          start: hour(10),
          end: hour(11),
          state: 'open',
          received: 7,
          bytes: 900,
          closed_at: null,
          delivered_at: null,
        },
        {
          event_type: 'com.example.checkout.completed',
          start: hour(10),
          end: hour(11),
          state: 'open',
          received: 0,
          bytes: 0,
          closed_at: null,
          delivered_at: null,
        },
      ]);

      const playback = await stores.reader.listPartitions({
        eventType: 'com.example.playback.started',
      });
      expect(playback).toEqual([
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T09:00:00.000Z',
          end: '2026-11-23T10:00:00.000Z',
          state: 'delivered',
          counts: {
            received: 1200,
            bytes: 3_000_000_000,
            duplicates: 0,
            conflicts: 0,
            failed: 0,
          },
          closedAt: '2026-11-23T10:05:00.000Z',
          deliveredAt: '2026-11-23T10:09:00.000Z',
          latenessMs: 540_000,
        },
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T10:00:00.000Z',
          end: '2026-11-23T11:00:00.000Z',
          state: 'open',
          counts: {
            received: 7,
            bytes: 900,
            duplicates: 0,
            conflicts: 0,
            failed: 0,
          },
        },
      ]);

      // A window overlapping only the 10:00 hour.
      const tenOClock = await stores.reader.listPartitions({
        from: new Date(Date.UTC(2026, 10, 23, 10, 30)),
        to: hour(11),
      });
      expect(tenOClock.map(p => [p.eventType, p.start])).toEqual([
        ['com.example.checkout.completed', '2026-11-23T10:00:00.000Z'],
        ['com.example.playback.started', '2026-11-23T10:00:00.000Z'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the newest partitions first when limited, %p',
    async databaseId => {
      const { stores } = await createStore(databaseId);
      await stores.consumer.recordRawFiles(
        [8, 9, 10].map(h => rawFile('com.example.a', h, `p${h}`)),
        hour(11),
      );
      expect(
        (await stores.reader.listPartitions({ limit: 2 })).map(p => p.start),
      ).toEqual(['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z']);
    },
  );
});
