import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { createPartitionStores } from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// The quiet-partition methods of the store: the completionist opens a
// partition for every window of a registered type, events or not.
describe('DatabaseCompletionStore openings', () => {
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    return { knex, store: stores.completion, stores };
  }

  const hour = (h: number) => Date.UTC(2026, 10, 23, h);
  const window = (h: number) => ({ start: hour(h), end: hour(h + 1) });

  it.each(databases.eachSupportedId())(
    'records the opening floor once, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = new Date(hour(9) + 1234);
      expect(await store.getOpeningFloor(first)).toEqual(first);
      // A later run (or a racing replica) gets the first one back.
      expect(await store.getOpeningFloor(new Date(hour(12)))).toEqual(first);
    },
  );

  it.each(databases.eachSupportedId())(
    'opens empty partitions only where none exist, and keeps the cursor moving forward, %p',
    async databaseId => {
      const { store, stores } = await createStore(databaseId);
      // The consumer wrote 10:00 of type a with events, and it was closed.
      await stores.consumer.recordRawFiles(
        [
          {
            path: 'raw/a/10/part-1.ndjson.gz',
            eventType: 'a',
            partitionStart: hour(10),
            partitionEnd: hour(11),
            events: 3,
            bytes: 300,
          },
        ],
        new Date(hour(10)),
      );
      await store.closePartitions({
        now: new Date(hour(12)),
        graceMs: 0,
        watermark: new Date(hour(11)),
      });
      expect(await store.listOpenedUntil()).toEqual(new Map());

      expect(
        await store.openPartitions({
          eventType: 'a',
          windows: [window(9), window(10), window(11)],
          openedUntil: hour(12),
        }),
      ).toBe(2);
      const partitions = await stores.reader.listPartitions({ eventType: 'a' });
      expect(
        partitions.map(p => [
          new Date(p.start).getUTCHours(),
          p.state,
          p.counts.received,
        ]),
      ).toEqual([
        [9, 'open', 0],
        // Untouched: still closed with its events.
        [10, 'closed', 3],
        [11, 'open', 0],
      ]);
      expect(partitions[0]).toMatchObject({
        end: new Date(hour(10)).toISOString(),
        counts: { received: 0, bytes: 0, duplicates: 0, conflicts: 0 },
      });

      // Opening again changes nothing, and the cursor does not move back.
      expect(
        await store.openPartitions({
          eventType: 'a',
          windows: [window(9)],
          openedUntil: hour(10),
        }),
      ).toBe(0);
      expect(await store.listOpenedUntil()).toEqual(new Map([['a', hour(12)]]));

      // Another type's cursor is its own; a large batch goes in chunks.
      const many = Array.from({ length: 450 }, (_, i) => window(-i - 1));
      expect(
        await store.openPartitions({
          eventType: 'b',
          windows: many,
          openedUntil: hour(0),
        }),
      ).toBe(450);
      expect(await store.listOpenedUntil()).toEqual(
        new Map([
          ['a', hour(12)],
          ['b', hour(0)],
        ]),
      );
      expect(
        await stores.reader.listPartitions({ eventType: 'b' }),
      ).toHaveLength(450);
    },
  );

  it.each(databases.eachSupportedId())(
    'closes opened empty partitions like any other, %p',
    async databaseId => {
      const { store, stores } = await createStore(databaseId);
      await store.openPartitions({
        eventType: 'quiet',
        windows: [window(9), window(10)],
        openedUntil: hour(11),
      });
      const closed = await store.closePartitions({
        now: new Date(hour(11)),
        graceMs: 0,
        watermark: new Date(hour(10)),
      });
      expect(closed).toEqual([
        { eventType: 'quiet', start: hour(9), end: hour(10) },
      ]);
      expect(await stores.dedupe.listRawFiles(closed[0])).toEqual([]);
    },
  );
});
