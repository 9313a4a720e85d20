import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseFailedEventStore } from './DatabaseFailedEventStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

describe('DatabaseFailedEventStore', () => {
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    return new DatabaseFailedEventStore(knex);
  }

  const minute = (m: number) => new Date(Date.UTC(2026, 10, 23, 10, m));

  it.each(databases.eachSupportedId())(
    'keeps rejected events and lists them newest first, filtered and paged, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.add(
        Array.from({ length: 5 }, (_, i) => ({
          receivedAt: minute(i),
          eventType: i === 4 ? undefined : 'com.example.a',
          source: '//s',
          eventId: `e${i}`,
          reason: `reason ${i}`,
          payload: `{"id":"e${i}"}`,
          keyId: 'k1',
          payloadTruncated: i === 3,
          producer: 'local-dev-producer',
        })),
      );

      const first = await store.list({ eventType: 'com.example.a', limit: 2 });
      expect(first.items.map(e => e.eventId)).toEqual(['e3', 'e2']);
      expect(first.items[0]).toEqual({
        id: expect.any(String),
        receivedAt: '2026-11-23T10:03:00.000Z',
        eventType: 'com.example.a',
        source: '//s',
        eventId: 'e3',
        reason: 'reason 3',
        payload: '{"id":"e3"}',
        keyId: 'k1',
        payloadTruncated: true,
        producer: 'local-dev-producer',
        replayedAt: undefined,
      });
      const second = await store.list({
        eventType: 'com.example.a',
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(e => e.eventId)).toEqual(['e1', 'e0']);
      expect(second.nextCursor).toBeUndefined();

      const window = await store.list({
        from: minute(1),
        to: minute(4),
        limit: 10,
      });
      expect(window.items.map(e => e.eventId)).toEqual(['e3', 'e2', 'e1']);
      const all = await store.list({ limit: 10 });
      expect(all.items[0]).toMatchObject({
        eventId: 'e4',
        eventType: undefined,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'records replays: replayed events leave the list, failures get their new reason, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.add(
        ['a', 'b'].map(id => ({
          receivedAt: minute(0),
          eventType: 'com.example.a',
          eventId: id,
          reason: 'old',
          payload: '{}',
          keyId: 'k1',
          payloadTruncated: false,
        })),
      );
      const { items } = await store.list({ limit: 10 });
      const [b, a] = items;
      await store.recordReplay({
        replayed: [a.id],
        failedAgain: [{ id: b.id, reason: 'still wrong' }],
        at: minute(30),
      });
      expect((await store.list({ limit: 10 })).items).toEqual([
        expect.objectContaining({ eventId: 'b', reason: 'still wrong' }),
      ]);
      expect(
        (await store.list({ limit: 10, includeReplayed: true })).items[1],
      ).toMatchObject({ eventId: 'a', replayedAt: '2026-11-23T10:30:00.000Z' });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes events past their retention, and seals those kept in clear, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const store = new DatabaseFailedEventStore(knex);
      await store.add(
        [0, 10, 20].map(m => ({
          receivedAt: minute(m),
          eventId: `e${m}`,
          reason: 'r',
          payload: `sealed ${m}`,
          keyId: 'k1',
          payloadTruncated: false,
        })),
      );
      expect(await store.deleteReceivedBefore(minute(15))).toBe(2);
      expect(
        (await store.list({ limit: 10 })).items.map(e => e.eventId),
      ).toEqual(['e20']);

      // Rows from before payloads were sealed have no key.
      await knex('failed_events').insert({
        received_at: minute(30),
        reason: 'r',
        payload: '{"data":{"email":"a@b.c"}}',
        payload_truncated: false,
      });
      const [unsealed] = await store.listUnsealed(10);
      expect(unsealed).toMatchObject({ payload: '{"data":{"email":"a@b.c"}}' });
      expect(unsealed.keyId).toBeUndefined();
      await store.markSealed({
        id: unsealed.id,
        payload: 'sealed',
        keyId: 'k2',
      });
      expect(await store.listUnsealed(10)).toEqual([]);
      expect((await store.list({ limit: 1 })).items[0]).toMatchObject({
        payload: 'sealed',
        keyId: 'k2',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a malformed cursor, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await expect(store.list({ limit: 1, cursor: 'abc' })).rejects.toThrow(
        "Invalid cursor 'abc'",
      );
    },
  );
});
