import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DeliveredPartition } from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { ExportRunner } from './ExportRunner';

jest.setTimeout(60_000);

describe('ExportRunner', () => {
  const databases = TestDatabases.create();
  const start = Date.UTC(2026, 10, 23, 9);
  const end = Date.UTC(2026, 10, 23, 10);
  const folder = 'delivered/t/2026-11-23/09';

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'export-runner-'));
    const storage = new LocalPartitionStorage({ directory: dir });
    await stores.consumer.recordRawFiles(
      [
        {
          path: 'raw/t/2026-11-23/09/p.ndjson.gz',
          eventType: 't',
          partitionStart: start,
          partitionEnd: end,
          events: 2,
          bytes: 20,
        },
      ],
      new Date(start),
    );
    await stores.completion.closePartitions({
      now: new Date(end),
      graceMs: 0,
      watermark: new Date(end),
    });
    await storage.write(
      `${folder}/_manifest.json`,
      Buffer.from(
        JSON.stringify({
          format: 'delivery-pipeline-delivered/1',
          eventType: 't',
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          counts: {
            received: 2,
            delivered: 2,
            duplicates: 0,
            conflicts: 0,
            malformed: 0,
          },
          files: [
            {
              path: `${folder}/part-00000.ndjson.gz`,
              events: 2,
              bytes: 40,
              sha256: 'sha256:aa',
            },
          ],
          checksum: 'sha256:bb',
        }),
      ),
    );
    await stores.dedupe.recordDelivery(
      { eventType: 't', start, end },
      {
        delivered: 2,
        duplicates: 0,
        conflicts: 0,
        deliveredAt: new Date(end),
        exporters: ['warehouse'],
      },
    );
    return {
      store: stores.exports,
      storage,
      cleanup: () => fs.rm(dir, { recursive: true }),
    };
  }

  it.each(databases.eachSupportedId())(
    'retries a failed export after its back-off, then never again, %p',
    async databaseId => {
      const { store, storage, cleanup } = await setUp(databaseId);
      let now = new Date(end + 1000);
      const received: DeliveredPartition[] = [];
      let fail = true;
      const runner = new ExportRunner({
        store,
        storage,
        exporters: [
          {
            name: 'warehouse',
            async export(partition) {
              if (fail) throw new Error('quota exceeded');
              received.push(partition);
            },
          },
        ],
        logger: mockServices.logger.mock(),
        now: () => now,
      });

      expect(await runner.runOnce()).toBe(0);
      fail = false;
      // Within the 30 s back-off: not retried.
      now = new Date(end + 20_000);
      expect(await runner.runOnce()).toBe(0);
      now = new Date(end + 32_000);
      expect(await runner.runOnce()).toBe(1);
      expect(received).toEqual([
        {
          eventType: 't',
          start,
          end,
          folder,
          files: [
            {
              path: `${folder}/part-00000.ndjson.gz`,
              events: 2,
              bytes: 40,
              sha256: 'sha256:aa',
            },
          ],
          manifestPath: `${folder}/_manifest.json`,
          events: 2,
          checksum: 'sha256:bb',
        },
      ]);
      now = new Date(end + 3_600_000);
      expect(await runner.runOnce()).toBe(0);
      expect(received).toHaveLength(1);
      await cleanup();
    },
  );
});
