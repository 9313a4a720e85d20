import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DeliveredPartition } from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readPipelineConfig } from '../config';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { createDedupeStage } from '../dedupe';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { createExportStage, EXPORTER_TASK_ID } from '.';

jest.setTimeout(60_000);

// Dedupe and export are two scheduled tasks: the deduper's queues each
// delivery for the exporters, the exporter's hands it to them.
describe('createExportStage', () => {
  const databases = TestDatabases.create();
  const start = Date.UTC(2026, 10, 23, 9);
  const end = Date.UTC(2026, 10, 23, 10);

  it.each(databases.eachSupportedId())(
    'exports in a task of its own what the deduper task delivered, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const stores = await createPartitionStores(knex);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'export-stage-'));
      const storage = new LocalPartitionStorage({ directory: dir });
      const settings = readPipelineConfig(
        mockServices.rootConfig({
          data: {
            deliveryPipeline: {
              deduper: { spillDirectory: path.join(dir, 'spill') },
            },
          },
        }),
      );
      const rawPath = 'raw/t/2026-11-23/09/part-1.ndjson.gz';
      await storage.write(
        rawPath,
        gzipSync(
          `${JSON.stringify({
            specversion: '1.0',
            id: '1',
            source: '//s',
            type: 't',
            receivedAt: new Date(start + 1000).toISOString(),
          })}\n`,
        ),
      );
      await stores.consumer.recordRawFiles(
        [
          {
            path: rawPath,
            eventType: 't',
            partitionStart: start,
            partitionEnd: end,
            events: 1,
            bytes: 100,
          },
        ],
        new Date(start),
      );
      await stores.completion.closePartitions({
        now: new Date(end + 60_000),
        graceMs: 0,
        watermark: new Date(end),
      });

      const exported: DeliveredPartition[] = [];
      const modules = {
        exporters: [
          {
            name: 'warehouse',
            async export(partition: DeliveredPartition) {
              exported.push(partition);
            },
          },
        ],
      };
      const scheduler = mockServices.scheduler();
      const signals = { publish: jest.fn(async () => {}) };
      const stage = {
        db: knex,
        scheduler,
        storage,
        modules,
        settings,
        logger: mockServices.logger.mock(),
        signals,
        policies: {
          get: async () => {
            throw new Error('the signals go to everyone: no owner looked up');
          },
        },
      };
      await createDedupeStage(stage);
      await createExportStage(stage);
      expect(
        (await scheduler.getScheduledTasks()).map(t => [t.id, t.scope]),
      ).toEqual([
        ['delivery-pipeline-deduper', 'local'],
        [EXPORTER_TASK_ID, 'local'],
      ]);

      await scheduler.triggerTask('delivery-pipeline-deduper');
      const [partition] = await stores.reader.listPartitions({});
      expect(partition.state).toBe('delivered');
      // The open delivery pages are told, once.
      expect(signals.publish.mock.calls).toEqual([
        [
          {
            recipients: { type: 'broadcast' },
            channel: 'delivery-pipeline:partitions',
            message: {
              eventType: 't',
              partitionStart: new Date(start).toISOString(),
              state: 'delivered',
            },
          },
        ],
      ]);
      // Delivered and queued, not exported: that is the other task's.
      expect(exported).toEqual([]);

      await scheduler.triggerTask(EXPORTER_TASK_ID);
      expect(exported).toEqual([
        expect.objectContaining({ eventType: 't', start, end, events: 1 }),
      ]);
      await scheduler.triggerTask(EXPORTER_TASK_ID);
      expect(exported).toHaveLength(1);
      await fs.rm(dir, { recursive: true, force: true });
    },
  );
});
