import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDeliveredPartition } from '@data-collection/plugin-delivery-pipeline-node';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { PartitionSignals } from '../signals/PartitionSignals';
import { Deduper } from './Deduper';

jest.setTimeout(60_000);

describe('Deduper', () => {
  const databases = TestDatabases.create();
  const start = Date.UTC(2026, 10, 23, 9);
  const end = Date.UTC(2026, 10, 23, 10);

  const line = (type: string, id: string) =>
    JSON.stringify({
      specversion: '1.0',
      id,
      source: '//s',
      type,
      data: {},
      receivedAt: new Date(start + 1000).toISOString(),
    });

  it.each(databases.eachSupportedId())(
    'delivers other types while a broken partition waits for its lease to expire, and signals each delivery once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const stores = await createPartitionStores(knex);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deduper-'));
      const storage = new LocalPartitionStorage({ directory: dir });
      const file = (type: string) => ({
        path: `raw/${type}/2026-11-23/09/part-1.ndjson.gz`,
        eventType: type,
        partitionStart: start,
        partitionEnd: end,
        events: 2,
        bytes: 100,
      });
      // a's raw file is recorded but missing from storage: it cannot be read.
      await storage.write(
        file('b').path,
        gzipSync(`${line('b', '1')}\n${line('b', '1')}\n`),
      );
      await stores.consumer.recordRawFiles(
        [file('a'), file('b')],
        new Date(start),
      );
      await stores.completion.closePartitions({
        now: new Date(end),
        graceMs: 0,
        watermark: new Date(end),
      });

      let now = new Date(end + 1000);
      const logger = mockServices.logger.mock();
      const signals = { publish: jest.fn(async () => {}) };
      const deduper = new Deduper({
        store: stores.dedupe,
        storage,
        exporterNames: [],
        lookbackMs: 3_600_000,
        maxMemoryBytes: 1 << 20,
        spillDirectory: path.join(dir, 'spill'),
        workerThreads: 0,
        leaseMs: 60_000,
        logger,
        signals: new PartitionSignals({ signals, logger }),
        now: () => now,
      });
      const delivered = (eventType: string) => ({
        recipients: { type: 'broadcast' },
        channel: 'delivery-pipeline:partitions',
        message: {
          eventType,
          partitionStart: '2026-11-23T09:00:00.000Z',
          state: 'delivered',
        },
      });

      const first = await deduper.runOnce();
      expect(first.map(p => p.eventType)).toEqual(['b']);
      // Only the delivered partition, not the one that failed.
      expect(signals.publish.mock.calls).toEqual([[delivered('b')]]);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('Could not deliver partition a'),
        expect.anything(),
      );
      const states = async () =>
        (await stores.reader.listPartitions({})).map(p => [
          p.eventType,
          p.state,
        ]);
      expect(await states()).toEqual([
        ['a', 'closed'],
        ['b', 'delivered'],
      ]);
      const [b] = await stores.reader.listPartitions({ eventType: 'b' });
      expect(b.counts).toMatchObject({ delivered: 1, duplicates: 1 });

      // Within the lease: not tried again. After it, and once the file is
      // there, delivered.
      expect(await deduper.runOnce()).toEqual([]);
      await storage.write(file('a').path, gzipSync(`${line('a', '1')}\n`));
      now = new Date(end + 62_000);
      expect((await deduper.runOnce()).map(p => p.eventType)).toEqual(['a']);
      expect(signals.publish.mock.calls).toEqual([
        [delivered('b')],
        [delivered('a')],
      ]);
      expect(await states()).toEqual([
        ['a', 'delivered'],
        ['b', 'delivered'],
      ]);
      await fs.rm(dir, { recursive: true, force: true });
    },
  );
});

describe('Deduper after a change of the partition width', () => {
  const databases = TestDatabases.create();
  const start = Date.UTC(2026, 10, 23, 9);
  const end = Date.UTC(2026, 10, 23, 10);

  it.each(databases.eachSupportedId())(
    'delivers a partition into the folder of its own width, where exporters, the preview and retention look, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const stores = await createPartitionStores(knex);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deduper-width-'));
      const storage = new LocalPartitionStorage({ directory: dir });
      // An hour-wide partition written before the width became 10 seconds.
      const rawPath = 'raw/com.example.w/2026-11-23/09/part-1.ndjson.gz';
      const event = (receivedAt: number) =>
        JSON.stringify({
          specversion: '1.0',
          id: '1',
          source: '//s',
          type: 'com.example.w',
          data: {},
          receivedAt: new Date(receivedAt).toISOString(),
        });
      await storage.write(rawPath, gzipSync(`${event(start + 1000)}\n`));
      await stores.consumer.recordRawFiles(
        [
          {
            path: rawPath,
            eventType: 'com.example.w',
            partitionStart: start,
            partitionEnd: end,
            events: 1,
            bytes: 100,
          },
        ],
        new Date(start),
      );
      await stores.completion.closePartitions({
        now: new Date(end),
        graceMs: 0,
        watermark: new Date(end),
      });
      let now = new Date(end + 1000);
      const deduper = new Deduper({
        store: stores.dedupe,
        storage,
        exporterNames: [],
        lookbackMs: 3_600_000,
        maxMemoryBytes: 1 << 20,
        spillDirectory: path.join(dir, 'spill'),
        workerThreads: 0,
        leaseMs: 60_000,
        logger: mockServices.logger.mock(),
        now: () => now,
      });

      const [delivered] = await deduper.runOnce();

      expect(delivered.folder).toBe('delivered/com.example.w/2026-11-23/09');
      await expect(
        readDeliveredPartition(storage, delivered.folder),
      ).resolves.toMatchObject({ start, end, events: 1 });
      expect(
        await storage.list('delivered/com.example.w/2026-11-23/09'),
      ).not.toContainEqual(expect.stringMatching(/\/09\/00-00\//));

      // The next partition is 10 s wide; its lookback finds the hour-wide
      // one in its own folder, so a resend of its event is a duplicate.
      const nextPath = 'raw/com.example.w/2026-11-23/10/00-00/part-1.ndjson.gz';
      await storage.write(nextPath, gzipSync(`${event(start + 1000)}\n`));
      await stores.consumer.recordRawFiles(
        [
          {
            path: nextPath,
            eventType: 'com.example.w',
            partitionStart: end,
            partitionEnd: end + 10_000,
            events: 1,
            bytes: 100,
          },
        ],
        new Date(end),
      );
      await stores.completion.closePartitions({
        now: new Date(end + 10_000),
        graceMs: 0,
        watermark: new Date(end + 10_000),
      });
      now = new Date(end + 11_000);
      const [next] = await deduper.runOnce();
      expect(next.folder).toBe('delivered/com.example.w/2026-11-23/10/00-00');
      await expect(
        readDeliveredPartition(storage, next.folder),
      ).resolves.toMatchObject({ events: 0 });
      await fs.rm(dir, { recursive: true, force: true });
    },
  );
});
