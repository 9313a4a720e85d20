import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePartitionStore } from './DatabasePartitionStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

describe('DatabasePartitionStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const store = new DatabasePartitionStore(knex);
    return { knex, store };
  }

  const hour = (h: number) => new Date(Date.UTC(2026, 10, 23, h));

  it.each(databases.eachSupportedId())(
    'runs its migrations and answers a ping, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await knex.schema.hasTable('partitions')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists partitions filtered by event type and time window, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
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

      const playback = await store.listPartitions({
        eventType: 'com.example.playback.started',
      });
      expect(playback).toEqual([
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T09:00:00.000Z',
          end: '2026-11-23T10:00:00.000Z',
          state: 'delivered',
          counts: { received: 1200, bytes: 3_000_000_000 },
          closedAt: '2026-11-23T10:05:00.000Z',
          deliveredAt: '2026-11-23T10:09:00.000Z',
        },
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T10:00:00.000Z',
          end: '2026-11-23T11:00:00.000Z',
          state: 'open',
          counts: { received: 7, bytes: 900 },
          closedAt: undefined,
          deliveredAt: undefined,
        },
      ]);

      // A window overlapping only the 10:00 hour.
      const tenOClock = await store.listPartitions({
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
    'adds raw files to their partitions counters, opening new partitions, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const file = (name: string, h: number, events: number) => ({
        path: `raw/com.example.a/2026-11-23/${h}/${name}.ndjson.gz`,
        eventType: 'com.example.a',
        partitionStart: hour(h).getTime(),
        partitionEnd: hour(h + 1).getTime(),
        events,
        bytes: events * 100,
      });
      await store.recordRawFiles(
        [file('p1', 9, 3), file('p2', 9, 4), file('p3', 10, 1)],
        hour(11),
      );
      await store.recordRawFiles([file('p4', 9, 5)], hour(11));

      expect(
        (await store.listPartitions({ eventType: 'com.example.a' })).map(p => [
          p.start,
          p.state,
          p.counts,
        ]),
      ).toEqual([
        ['2026-11-23T09:00:00.000Z', 'open', { received: 12, bytes: 1200 }],
        ['2026-11-23T10:00:00.000Z', 'open', { received: 1, bytes: 100 }],
      ]);
      expect(
        Number((await knex('raw_files').count({ n: '*' }).first())!.n),
      ).toBe(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the consumer progress and never moves it back, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.getConsumerProgress('local')).toBeUndefined();
      await store.setConsumerProgress('local', hour(10));
      await store.setConsumerProgress('local', hour(9));
      expect(await store.getConsumerProgress('local')).toEqual(hour(10));
      await store.setConsumerProgress('local', hour(11));
      expect(await store.getConsumerProgress('local')).toEqual(hour(11));
      expect(await store.getConsumerProgress('database')).toBeUndefined();
    },
  );
});
