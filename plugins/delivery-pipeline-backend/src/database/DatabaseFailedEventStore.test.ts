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
    'ends a page once its payloads exceed the byte budget, with at least one event and a cursor, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      // 60 events of 1 KiB, then one of 10 KiB (the newest).
      await store.add(
        Array.from({ length: 61 }, (_, i) => ({
          receivedAt: minute(i % 60),
          eventType: 'com.example.a',
          eventId: `e${i}`,
          reason: 'r',
          payload: 'x'.repeat(i === 60 ? 10_240 : 1024),
          keyId: 'k1',
          payloadTruncated: false,
        })),
      );
      // Larger than the budget alone: a page of one.
      const first = await store.list({ limit: 1000, maxBytes: 5000 });
      expect(first.items.map(e => e.eventId)).toEqual(['e60']);
      expect(first.nextCursor).toBeDefined();

      const seen = [...first.items];
      let cursor = first.nextCursor;
      let pages = 1;
      while (cursor) {
        const page = await store.list({ limit: 1000, maxBytes: 5000, cursor });
        // 5 payloads of 1 KiB reach 5000 bytes: the page ends there.
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
      }
      expect(pages).toBe(13);
      expect(new Set(seen.map(e => e.eventId)).size).toBe(61);
      // The row limit still holds under the budget.
      const limited = await store.list({ limit: 3, maxBytes: 1_000_000 });
      expect(limited.items).toHaveLength(3);
      expect(limited.nextCursor).toBe(limited.items[2].id);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps attributes that PostgreSQL text cannot hold as they would be shown, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.add([
        {
          receivedAt: minute(0),
          eventType: `a\u0000${'b'.repeat(1000)}`,
          source: 's\u0000',
          eventId: 'e\u0000',
          reason: 'Unknown event type a\u0000b',
          payload: 'sealed',
          keyId: 'k1',
          payloadTruncated: false,
          producer: 'p\u0000',
        },
      ]);
      const [kept] = (await store.list({ limit: 1 })).items;
      expect(kept).toMatchObject({
        eventType: `a\ufffd${'b'.repeat(254)}`,
        source: 's\ufffd',
        eventId: 'e\ufffd',
        reason: 'Unknown event type a\ufffdb',
        producer: 'p\ufffd',
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
