import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  DeliveredPartition,
  readManifest,
} from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Completionist } from '../completion/Completionist';
import { QuietPartitionOpener } from '../completion/openQuietPartitions';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { Deduper } from '../dedupe/Deduper';
import { ExportRunner } from './ExportRunner';

jest.setTimeout(60_000);

// A type that received nothing in a window: the completionist opens and
// closes its partition, the deduper delivers it empty (a manifest and no
// other file), and exporters receive it with no files.
describe('a quiet partition, from opening to export', () => {
  const databases = TestDatabases.create();
  const HOUR = 3_600_000;
  const start = Date.UTC(2026, 10, 23, 9);
  const folder = 'delivered/quiet/2026-11-23/09';

  async function run(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quiet-partition-'));
    const storage = new LocalPartitionStorage({ directory: dir });
    const logger = mockServices.logger.mock();
    let now = new Date(start);
    const completionist = new Completionist({
      store: stores.completion,
      transportName: 'local',
      graceMs: 0,
      logger,
      now: () => now,
      quietPartitions: new QuietPartitionOpener({
        store: stores.completion,
        eventTypes: {
          listEventTypes: async () => [
            { name: 'quiet', createdAt: new Date(start).toISOString() },
          ],
        },
        widthMs: HOUR,
        graceMs: 0,
        maxBackfillMs: 24 * HOUR,
        maxWindowsPerRun: 100,
        logger,
      }),
    });
    const received: DeliveredPartition[] = [];
    const deduper = new Deduper({
      store: stores.dedupe,
      storage,
      exporterNames: ['warehouse'],
      lookbackMs: HOUR,
      maxMemoryBytes: 1 << 20,
      spillDirectory: path.join(dir, 'spill'),
      workerThreads: 0,
      leaseMs: 60_000,
      logger,
      now: () => now,
    });
    const exportRunner = new ExportRunner({
      store: stores.exports,
      storage,
      exporters: [
        {
          name: 'warehouse',
          async export(partition) {
            received.push(partition);
          },
        },
      ],
      logger,
      now: () => now,
    });

    // The first run, at 09:00, is the floor; the consumer reaches 10:00.
    await stores.consumer.setConsumerProgress('local', new Date(start));
    await completionist.runOnce();
    now = new Date(start + HOUR + 1000);
    await stores.consumer.setConsumerProgress('local', new Date(start + HOUR));
    expect(await completionist.runOnce()).toEqual([
      { eventType: 'quiet', start, end: start + HOUR },
    ]);
    const delivered = await deduper.runOnce();
    expect(await exportRunner.runOnce()).toBe(1);
    return { stores, storage, dir, delivered, received };
  }

  it.each(databases.eachSupportedId())(
    'is delivered empty and exported with no files, %p',
    async databaseId => {
      const { stores, storage, dir, delivered, received } = await run(
        databaseId,
      );
      expect(delivered).toEqual([
        expect.objectContaining({
          eventType: 'quiet',
          start,
          files: [],
          events: 0,
        }),
      ]);
      // A quiet type costs its manifest and nothing else.
      expect(await storage.list(folder)).toEqual([`${folder}/_manifest.json`]);
      expect(await storage.list('raw/')).toEqual([]);
      const manifest = await readManifest(storage, folder);
      expect(manifest).toMatchObject({
        eventType: 'quiet',
        counts: { received: 0, delivered: 0 },
        files: [],
      });
      const [partition] = await stores.reader.listPartitions({});
      expect(partition).toMatchObject({
        state: 'delivered',
        counts: { received: 0, delivered: 0, duplicates: 0, failed: 0 },
      });
      expect(received).toEqual([
        expect.objectContaining({
          eventType: 'quiet',
          start,
          folder,
          files: [],
          events: 0,
          manifestPath: `${folder}/_manifest.json`,
        }),
      ]);
      await fs.rm(dir, { recursive: true, force: true });
    },
  );
});
