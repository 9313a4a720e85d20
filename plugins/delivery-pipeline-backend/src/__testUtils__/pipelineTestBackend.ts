import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
// The real registry, beside the pipeline as in the portal: ingest reads
// schemas from its HTTP API.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import { CloudEvent } from 'cloudevents';
import { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { deliveryPipelinePlugin } from '../plugin';

export const PLAYBACK = 'com.example.playback.started';
const examples = path.resolve(__dirname, '../../../../examples');
export const user = mockCredentials.user.header();

export type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

const cleanups: Array<() => Promise<void>> = [];

/** Stops every pipeline started by the test; call it in `afterEach`. */
export async function stopPipelines(): Promise<void> {
  await Promise.all(cleanups.splice(0).map(cleanup => cleanup()));
}

/**
 * The pipeline with the real schema registry beside it (seeded with the
 * repo's demo event types), on throw-away folders.
 */
export async function startPipeline(
  deliveryPipeline: {
    transport?: object;
    consumer?: object;
    ingest?: object;
    partitions?: object;
    completionist?: object;
    deduper?: object;
    personalData?: object;
    failedEvents?: object;
    api?: object;
  } = {},
  extraFeatures: Parameters<typeof startTestBackend>[0]['features'] = [],
  /**
   * A database per plugin (e.g. PostgreSQL from TestDatabases); each plugin
   * gets its own, as in a real backend. Default: SQLite in memory.
   */
  databases?: { registry: Knex; pipeline: Knex },
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pipeline-test-'));
  // Scheduled tasks run only when a test triggers them.
  const scheduler = mockServices.scheduler();
  const backend = await startTestBackend({
    features: [
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      deliveryPipelinePlugin,
      eventSchemasPlugin,
      databases
        ? createServiceFactory({
            service: coreServices.database,
            deps: { plugin: coreServices.pluginMetadata },
            factory: ({ plugin }) => ({
              getClient: async () =>
                plugin.getId() === 'event-schemas'
                  ? databases.registry
                  : databases.pipeline,
            }),
          })
        : mockServices.database.factory(),
      mockServices.rootConfig.factory({
        data: {
          eventSchemas: {
            demoData: {
              directories: [
                path.join(examples, 'demo-history'),
                path.join(examples, 'event-types'),
              ],
            },
          },
          deliveryPipeline: {
            ...deliveryPipeline,
            transport: {
              directory: path.join(dir, 'transport'),
              ...deliveryPipeline.transport,
            },
            storage: { directory: path.join(dir, 'storage') },
            consumer: {
              pollInterval: { milliseconds: 50 },
              ...deliveryPipeline.consumer,
            },
            deduper: {
              spillDirectory: path.join(dir, 'spill'),
              ...deliveryPipeline.deduper,
            },
            personalData: {
              keyEncryptionKeyFile: path.join(dir, 'key-encryption-key.json'),
              ...deliveryPipeline.personalData,
            },
          },
        },
      }),
      ...(extraFeatures ?? []),
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
  cleanups.push(async () => {
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return {
    server: backend.server,
    storage: path.join(dir, 'storage'),
    dir,
    scheduler,
  };
}

/**
 * Runs the completionist and the deduper until every partition of the type
 * is delivered (partitions must be short: seconds), and returns them.
 */
export async function deliverAll(
  pipeline: Awaited<ReturnType<typeof startPipeline>>,
  eventType: string,
): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listed = await request(pipeline.server)
      .get(`/api/delivery-pipeline/partitions?eventType=${eventType}`)
      .set('Authorization', user);
    const items: Array<Record<string, any>> = listed.body.items;
    if (items.length && items.every(p => p.state === 'delivered')) {
      return items;
    }
    if (Date.now() > deadline) {
      throw new Error(`Not delivered: ${JSON.stringify(items)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
    await pipeline.scheduler.triggerTask('delivery-pipeline-completionist');
    await pipeline.scheduler.triggerTask('delivery-pipeline-deduper');
    await pipeline.scheduler.triggerTask('delivery-pipeline-exporter');
  }
}

export function playback(
  id: string,
  data: object = { user_id: 'u1', track_id: 't1' },
) {
  return new CloudEvent({
    id,
    type: PLAYBACK,
    source: '//playback-service/eu-west-1',
    data,
  });
}

export function send(
  server: Server,
  message: { headers: object; body: unknown },
) {
  return request(server)
    .post('/api/delivery-pipeline/events')
    .set(message.headers as Record<string, string>)
    .set('Authorization', user)
    .send(message.body as string);
}

/** Every line of every raw partition file. */
export async function rawLines(
  storage: string,
): Promise<Array<Record<string, any>>> {
  const lines: Array<Record<string, any>> = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ndjson.gz')) {
        const text = gunzipSync(await fs.readFile(full)).toString();
        lines.push(
          ...text
            .trim()
            .split('\n')
            .map(line => JSON.parse(line)),
        );
      }
    }
  };
  await walk(path.join(storage, 'raw')).catch(() => {});
  return lines;
}

export async function waitForRaw(storage: string, ids: string[]) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = await rawLines(storage);
    const found = new Set(lines.map(line => line.id));
    if (ids.every(id => found.has(id))) return lines;
    if (Date.now() > deadline) {
      throw new Error(
        `Not in raw partitions: ${ids.filter(id => !found.has(id))}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
