import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createPartitionStores,
  hour,
  rawFile,
} from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// What the exporter records: claims on due exports, their outcome.
describe('DatabaseExportStore', () => {
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
    'claims due exports, retries after a failure, stops after success, %p',
    async databaseId => {
      const { stores } = await createStore(databaseId);
      // A partition delivered by the deduper, queued for one exporter.
      await stores.consumer.recordRawFiles(
        [rawFile('com.example.a', 9, 'p1')],
        hour(9),
      );
      await stores.completion.closePartitions({
        now: hour(11),
        graceMs: 0,
        watermark: hour(11),
      });
      const key = {
        eventType: 'com.example.a',
        start: hour(9).getTime(),
        end: hour(10).getTime(),
      };
      expect(
        await stores.dedupe.recordDelivery(key, {
          delivered: 10,
          duplicates: 0,
          conflicts: 0,
          deliveredAt: new Date(Date.UTC(2026, 10, 23, 10, 7)),
          exporters: ['warehouse'],
        }),
      ).toBe(true);

      // The export is due at once, retried after a failure, done after success.
      const now = new Date(Date.UTC(2026, 10, 23, 10, 8));
      const exportClaim = (at: Date) =>
        stores.exports.claimPendingExports({
          now: at,
          leaseMs: 600_000,
          limit: 10,
        });
      const [pending] = await exportClaim(now);
      expect(pending).toEqual({ ...key, exporter: 'warehouse', attempts: 0 });
      // Claimed: not offered again during its lease.
      expect(await exportClaim(now)).toEqual([]);
      await stores.exports.recordExport(pending, {
        ok: false,
        at: now,
        error: 'quota exceeded',
        retryAt: new Date(now.getTime() + 30_000),
      });
      expect(await exportClaim(now)).toEqual([]);
      const later = new Date(now.getTime() + 31_000);
      expect(await exportClaim(later)).toEqual([
        { ...key, exporter: 'warehouse', attempts: 1 },
      ]);
      await stores.exports.recordExport(pending, { ok: true, at: later });
      expect(await exportClaim(new Date(later.getTime() + 3_600_000))).toEqual(
        [],
      );
    },
  );
});
