import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  PartitionStorage,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { LocalEventTransport } from '../transport/LocalEventTransport';
import { RawPartitionConsumer } from './RawPartitionConsumer';

jest.setTimeout(60_000);

const WIDTH = 10_000;
const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function event(
  eventType: string,
  id: string,
  receivedAt: number,
): TransportEvent {
  return {
    eventType,
    receivedAt,
    line: JSON.stringify({
      specversion: '1.0',
      id,
      type: eventType,
      source: '//s',
      receivedAt: new Date(receivedAt).toISOString(),
    }),
  };
}

jest.setTimeout(60_000);

describe('RawPartitionConsumer', () => {
  const databases = TestDatabases.create();
  let dir: string;
  let transport: LocalEventTransport;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'consumer-test-'));
    transport = await LocalEventTransport.create({
      directory: path.join(dir, 'transport'),
      maxBacklogEvents: 10_000,
      maxBacklogBytes: 10_000_000,
    });
  });

  afterEach(async () => {
    await transport.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function setUp(databaseId: TestDatabaseId, storage: PartitionStorage) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    const consumer = new RawPartitionConsumer({
      transport,
      transportName: 'local',
      storage,
      store: stores.consumer,
      logger: mockServices.logger.mock(),
      widthMs: WIDTH,
      maxEvents: 1000,
      leaseMs: 60_000,
      pollIntervalMs: 10,
    });
    return { consumer, stores, knex };
  }

  it.each(databases.eachSupportedId())(
    'writes one gzip NDJSON file per partition, records it, then acknowledges, %p',
    async databaseId => {
      const storage = new LocalPartitionStorage({
        directory: path.join(dir, 'storage'),
      });
      const { consumer, stores } = await setUp(databaseId, storage);
      await transport.publish([
        event('com.example.a', 'a1', t0 + 1000),
        event('com.example.a', 'a2', t0 + 9999),
        event('com.example.a', 'a3', t0 + 10_000),
        event('com.example.b', 'b1', t0 + 2000),
      ]);

      expect(await consumer.runOnce()).toBe(4);
      expect(await consumer.runOnce()).toBe(0);
      expect((await transport.backlog()).events).toBe(0);

      const files = await storage.list('raw');
      expect(files.map(f => f.replace(/part-.*$/, 'part'))).toEqual([
        'raw/com.example.a/2026-11-23/10/00-00/part',
        'raw/com.example.a/2026-11-23/10/00-10/part',
        'raw/com.example.b/2026-11-23/10/00-00/part',
      ]);
      const ids = (content: Buffer) =>
        gunzipSync(content)
          .toString()
          .trim()
          .split('\n')
          .map(line => JSON.parse(line).id);
      expect(ids(await storage.read(files[0]))).toEqual(['a1', 'a2']);

      expect(
        (await stores.reader.listPartitions({})).map(p => [
          p.eventType,
          p.start,
          p.end,
          p.counts.received,
        ]),
      ).toEqual([
        [
          'com.example.a',
          '2026-11-23T10:00:00.000Z',
          '2026-11-23T10:00:10.000Z',
          2,
        ],
        [
          'com.example.a',
          '2026-11-23T10:00:10.000Z',
          '2026-11-23T10:00:20.000Z',
          1,
        ],
        [
          'com.example.b',
          '2026-11-23T10:00:00.000Z',
          '2026-11-23T10:00:10.000Z',
          1,
        ],
      ]);
      // Drained: everything received until now is in storage.
      const progress = await stores.consumer.getConsumerProgress('local');
      expect(progress!.getTime()).toBeGreaterThan(Date.now() - 5000);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a batch back when storage fails, and writes it on a later run, %p',
    async databaseId => {
      const local = new LocalPartitionStorage({
        directory: path.join(dir, 'storage'),
      });
      let broken = true;
      const flaky: PartitionStorage = {
        ...local,
        list: p => local.list(p),
        read: p => local.read(p),
        delete: p => local.delete(p),
        url: p => local.url(p),
        write: async (p, content) => {
          if (broken) throw new Error('disk full');
          await local.write(p, content);
        },
      };
      const { consumer } = await setUp(databaseId, flaky);
      await transport.publish([event('com.example.a', 'a1', t0)]);

      await expect(consumer.runOnce()).rejects.toThrow('disk full');
      expect((await transport.backlog()).events).toBe(1);
      broken = false;
      expect(await consumer.runOnce()).toBe(1);
      expect(await local.list('raw')).toHaveLength(1);
      expect((await transport.backlog()).events).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'runs as a loop until stopped, %p',
    async databaseId => {
      const storage = new LocalPartitionStorage({
        directory: path.join(dir, 'storage'),
      });
      const { consumer } = await setUp(databaseId, storage);
      consumer.start();
      await transport.publish([event('com.example.a', 'a1', t0)]);
      const deadline = Date.now() + 10_000;
      while (
        (await storage.list('raw')).length === 0 &&
        Date.now() < deadline
      ) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      await consumer.stop();
      expect(await storage.list('raw')).toHaveLength(1);
    },
  );
});
