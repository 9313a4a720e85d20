import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createPartitionStores,
  hour,
  rawFile,
} from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// What the deduper records: claims, lookback, deliveries.
describe('DatabaseDedupeStore', () => {
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
    'records a delivery once, with failed events counted and exports queued, %p',
    async databaseId => {
      const { knex, stores } = await createStore(databaseId);
      await stores.consumer.recordRawFiles(
        [rawFile('com.example.a', 9, 'p2')],
        hour(10),
      );
      await stores.consumer.recordRawFiles(
        [rawFile('com.example.a', 9, 'p1')],
        hour(9),
      );
      const failed = (at: Date, eventType = 'com.example.a') => ({
        received_at: at,
        event_type: eventType,
        reason: 'invalid',
        payload: '{}',
      });
      await knex('failed_events').insert([
        failed(new Date(Date.UTC(2026, 10, 23, 9, 1))),
        failed(new Date(Date.UTC(2026, 10, 23, 9, 59))),
        failed(new Date(Date.UTC(2026, 10, 23, 10, 0))),
        failed(new Date(Date.UTC(2026, 10, 23, 9, 30)), 'com.example.b'),
      ]);
      const key = {
        eventType: 'com.example.a',
        start: hour(9).getTime(),
        end: hour(10).getTime(),
      };
      // Files in the order they were written.
      expect(await stores.dedupe.listRawFiles(key)).toEqual([
        'raw/com.example.a/2026-11-23/9/p1.ndjson.gz',
        'raw/com.example.a/2026-11-23/9/p2.ndjson.gz',
      ]);

      const record = {
        delivered: 15,
        duplicates: 4,
        conflicts: 1,
        clientDelayMs: { p50: 120, p95: 4000, max: 90_000 },
        deliveredAt: new Date(Date.UTC(2026, 10, 23, 10, 7)),
        exporters: ['warehouse'],
      };
      // Not closed yet: not delivered.
      expect(await stores.dedupe.recordDelivery(key, record)).toBe(false);
      await stores.completion.closePartitions({
        now: hour(11),
        graceMs: 0,
        watermark: hour(11),
      });
      const claim = {
        owner: 'r1',
        leaseMs: 60_000,
        now: new Date(Date.UTC(2026, 10, 23, 10, 6)),
        limit: 10,
      };
      expect(await stores.dedupe.claimClosed(claim)).toHaveLength(1);
      expect(await stores.dedupe.recordDelivery(key, record)).toBe(true);
      expect(await stores.dedupe.recordDelivery(key, record)).toBe(false);

      const [partition] = await stores.reader.listPartitions({
        state: 'delivered',
      });
      expect(partition).toMatchObject({
        state: 'delivered',
        counts: {
          received: 20,
          duplicates: 4,
          conflicts: 1,
          failed: 2,
          delivered: 15,
        },
        deliveredAt: '2026-11-23T10:07:00.000Z',
        latenessMs: 420_000,
        clientDelayMs: { p50: 120, p95: 4000, max: 90_000 },
      });
      const [attempts] = await knex('partitions').select('delivery_attempts');
      expect(Number(attempts.delivery_attempts)).toBe(1);
      expect(
        await stores.dedupe.listDelivered('com.example.a', hour(8), hour(10)),
      ).toEqual([{ start: hour(9).getTime(), end: hour(10).getTime() }]);
      // Queued for the exporter in the same transaction, due at once.
      expect(
        await knex('partition_exports').select('exporter', 'exported_at'),
      ).toEqual([{ exporter: 'warehouse', exported_at: null }]);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims closed partitions in order per type, once, until the lease expires, %p',
    async databaseId => {
      const { knex, stores } = await createStore(databaseId);
      await stores.consumer.recordRawFiles(
        [
          rawFile('com.example.a', 8, 'p8'),
          rawFile('com.example.a', 9, 'p9'),
          rawFile('com.example.b', 9, 'q9'),
        ],
        hour(8),
      );
      await stores.completion.closePartitions({
        now: hour(11),
        graceMs: 0,
        watermark: hour(11),
      });
      const now = hour(11);
      const claim = (owner: string, at: Date, limit = 10) =>
        stores.dedupe.claimClosed({ owner, leaseMs: 60_000, now: at, limit });
      const describe = (ps: { eventType: string; start: number }[]) =>
        ps.map(p => `${p.eventType} ${new Date(p.start).getUTCHours()}`);

      // a 9:00 waits for a 8:00, which is not delivered yet.
      expect(describe(await claim('r1', now))).toEqual([
        'com.example.a 8',
        'com.example.b 9',
      ]);
      // Held: another replica gets nothing.
      expect(await claim('r2', now)).toEqual([]);
      // r1 lets b go (a failure), keeps a 8:00 alive, and delivers it.
      const b = {
        eventType: 'com.example.b',
        start: hour(9).getTime(),
        end: hour(10).getTime(),
      };
      const a8 = {
        eventType: 'com.example.a',
        start: hour(8).getTime(),
        end: hour(9).getTime(),
      };
      await stores.dedupe.releaseDelivery(b, 'r1');
      expect(describe(await claim('r2', now))).toEqual(['com.example.b 9']);
      expect(
        await stores.dedupe.renewDelivery(a8, {
          owner: 'r1',
          leaseMs: 60_000,
          now,
        }),
      ).toBe(true);
      expect(
        await stores.dedupe.renewDelivery(a8, {
          owner: 'r2',
          leaseMs: 60_000,
          now,
        }),
      ).toBe(false);
      await stores.dedupe.recordDelivery(a8, {
        delivered: 10,
        duplicates: 0,
        conflicts: 0,
        deliveredAt: now,
        exporters: [],
      });
      // Now a 9:00 may go; r2 dies with b, whose lease expires after 60 s.
      expect(describe(await claim('r1', now))).toEqual(['com.example.a 9']);
      expect(await claim('r1', new Date(now.getTime() + 59_000))).toEqual([]);
      // Past the lease, r2's b and r1's own unrenewed a 9:00 are free again.
      expect(
        describe(await claim('r1', new Date(now.getTime() + 61_000))),
      ).toEqual(['com.example.a 9', 'com.example.b 9']);

      const attempts = await knex('partitions')
        .orderBy(['event_type', 'start'])
        .select('delivery_attempts');
      expect(attempts.map(row => Number(row.delivery_attempts))).toEqual([
        1, 2, 3,
      ]);
    },
  );
});
