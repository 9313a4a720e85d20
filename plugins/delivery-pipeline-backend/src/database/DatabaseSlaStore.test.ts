import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { hour } from './__testUtils__/createPartitionStores';
import { DatabaseSlaStore } from './DatabaseSlaStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

// What the SLA monitor reads and records; SlaMonitor.test.ts covers its use.
describe('DatabaseSlaStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();
  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    // a 8:00 delivered late, a 9:00 still open, b 9:00 delivered in time.
    const row = (eventType: string, h: number, deliveredAt?: Date) => ({
      event_type: eventType,
      start: hour(h),
      end: hour(h + 1),
      state: deliveredAt ? 'delivered' : 'open',
      received: 1,
      bytes: 1,
      delivered_at: deliveredAt ?? null,
    });
    await knex('partitions').insert([
      row('a', 8, hour(12)),
      row('a', 9),
      row('b', 9, new Date(hour(10).getTime() + 60_000)),
    ]);
    return { knex, store: new DatabaseSlaStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'records a breach once, with the recovery of a delivered partition, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(
        await store.listEventTypesToCheck({
          endedAfter: hour(0),
          endedBy: hour(10),
        }),
      ).toEqual(['a', 'b']);
      const unbreached = await store.listUnbreached({
        eventType: 'a',
        endedAfter: hour(0),
        endedBefore: hour(11),
        limit: 10,
      });
      expect(unbreached.map(p => [p.start, p.state])).toEqual([
        [hour(8), 'delivered'],
        [hour(9), 'open'],
      ]);
      // Paged after a partition.
      expect(
        await store.listUnbreached({
          eventType: 'a',
          endedAfter: hour(0),
          endedBefore: hour(11),
          limit: 10,
          after: unbreached[0],
        }),
      ).toHaveLength(1);

      const [late, open] = unbreached;
      expect(await store.recordBreach(late, hour(13))).toBe(true);
      expect(await store.recordBreach(late, hour(14))).toBe(false);
      expect(await store.recordBreach(open, hour(13))).toBe(true);
      expect(
        await store.listEventTypesToCheck({
          endedAfter: hour(0),
          endedBy: hour(10),
        }),
      ).toEqual(['b']);
      // Delivered when found late: recovered at its delivery, in the same
      // update; the open one is not.
      expect(
        await store.listUnrecovered({ endedAfter: hour(0), limit: 10 }),
      ).toEqual([]);
      const [breached] = await store.listUnnotified({
        endedAfter: hour(0),
        breachedBy: hour(13),
        limit: 1,
      });
      expect(breached).toMatchObject({
        eventType: 'a',
        breachedAt: hour(13),
        recoveredAt: hour(12),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'records a recovery once, undoes it, and notifications once, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const [, open] = await store.listUnbreached({
        eventType: 'a',
        endedAfter: hour(0),
        endedBefore: hour(11),
        limit: 10,
      });
      await store.recordBreach(open, hour(13));
      // Delivered later.
      await knex('partitions')
        .where({ event_type: 'a', start: hour(9) })
        .update({ state: 'delivered', delivered_at: hour(15) });
      const [unrecovered] = await store.listUnrecovered({
        endedAfter: hour(0),
        limit: 10,
      });
      expect(unrecovered).toMatchObject({ eventType: 'a', start: hour(9) });
      expect(await store.recordRecovery(unrecovered)).toBe(true);
      expect(await store.recordRecovery(unrecovered)).toBe(false);
      // Undone (its notification failed): found unrecovered again.
      await store.clearRecovery(unrecovered);
      expect(
        await store.listUnrecovered({ endedAfter: hour(0), limit: 10 }),
      ).toHaveLength(1);

      const unnotified = await store.listUnnotified({
        endedAfter: hour(0),
        breachedBy: hour(13),
        limit: 10,
      });
      expect(unnotified.map(p => p.start)).toEqual([hour(9)]);
      // Not yet due when found late after `breachedBy`.
      expect(
        await store.listUnnotified({
          endedAfter: hour(0),
          breachedBy: hour(12),
          limit: 10,
        }),
      ).toEqual([]);
      expect(await store.recordNotified(unnotified, hour(14))).toBe(1);
      expect(await store.recordNotified(unnotified, hour(15))).toBe(0);
      const [notified] = await store.listUnrecovered({
        endedAfter: hour(0),
        limit: 10,
      });
      expect(notified.notifiedAt).toEqual(hour(14));
    },
  );
});
