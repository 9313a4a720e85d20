import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { DatabaseRetentionStore } from './DatabaseRetentionStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

describe('DatabaseRetentionStore', () => {
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    return { knex, store: new DatabaseRetentionStore(knex) };
  }

  const at = (day: number, h: number) => new Date(Date.UTC(2026, 10, day, h));

  it.each(databases.eachSupportedId())(
    'lists deletions newest first, filtered and paged, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const rows = [];
      for (let i = 0; i < 5; i++) {
        rows.push({
          event_type: i % 2 === 0 ? 'com.example.a' : 'com.example.b',
          partition_start: at(1, i),
          partition_end: at(1, i + 1),
          kind: i === 4 ? 'delivered' : 'raw',
          files: i + 1,
          bytes: i === 4 ? null : 100 * (i + 1),
          deleted_at: at(20, i),
          reason: `reason ${i}`,
        });
      }
      for (const r of rows) await knex('retention_deletions').insert(r);

      const first = await store.listDeletions({ limit: 2 });
      expect(first.items.map(d => d.reason)).toEqual(['reason 4', 'reason 3']);
      expect(first.items[0]).toEqual({
        id: expect.any(String),
        eventType: 'com.example.a',
        partitionStart: '2026-11-01T04:00:00.000Z',
        partitionEnd: '2026-11-01T05:00:00.000Z',
        kind: 'delivered',
        files: 5,
        bytes: undefined,
        deletedAt: '2026-11-20T04:00:00.000Z',
        reason: 'reason 4',
      });
      expect(first.items[1].bytes).toBe(400);
      const second = await store.listDeletions({
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(d => d.reason)).toEqual(['reason 2', 'reason 1']);
      const last = await store.listDeletions({
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(last.items.map(d => d.reason)).toEqual(['reason 0']);
      expect(last.nextCursor).toBeUndefined();

      expect(
        (
          await store.listDeletions({ eventType: 'com.example.a', limit: 10 })
        ).items.map(d => d.reason),
      ).toEqual(['reason 4', 'reason 2', 'reason 0']);
      expect(
        (
          await store.listDeletions({
            from: at(20, 1),
            to: at(20, 3),
            limit: 10,
          })
        ).items.map(d => d.reason),
      ).toEqual(['reason 2', 'reason 1']);

      await expect(
        store.listDeletions({ limit: 2, cursor: 'abc' }),
      ).rejects.toBeInstanceOf(InputError);
    },
  );
});
