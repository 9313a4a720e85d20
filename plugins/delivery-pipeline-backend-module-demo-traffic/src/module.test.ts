import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
// The real pipeline and registry beside the module, as in the portal: the
// module's events go through the plugin's ingest.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import deliveryPipelinePlugin from '@data-collection/plugin-delivery-pipeline-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import {
  deliveryPipelineProducerExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  EventTransport,
  InProcessProducer,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DEMO_TRAFFIC_PRODUCER, DemoTraffic } from './DemoTraffic';
import { deliveryPipelineModuleDemoTraffic } from './module';

// Seconds of traffic through the real ingest, keychain included; more on a
// busy machine.
jest.setTimeout(60_000);

const examples = path.resolve(__dirname, '../../../examples');

describe('deliveryPipelineModuleDemoTraffic', () => {
  async function addedProducers(config: object) {
    const addProducer = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [
        [deliveryPipelineProducerExtensionPoint, { addProducer }],
      ],
      features: [
        deliveryPipelineModuleDemoTraffic,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    await backend.stop();
    return addProducer.mock.calls.map(([p]) => p as InProcessProducer);
  }

  it('adds no producer unless demo traffic is enabled', async () => {
    expect(await addedProducers({})).toEqual([]);
    expect(
      await addedProducers({
        deliveryPipeline: { demo: { traffic: { enabled: false } } },
      }),
    ).toEqual([]);
  });

  it('adds demo traffic as an in-process producer when enabled', async () => {
    const producers = await addedProducers({
      deliveryPipeline: {
        demo: { traffic: { enabled: true, eventsPerSecond: 5 } },
      },
    });
    expect(producers).toHaveLength(1);
    expect(producers[0]).toBeInstanceOf(DemoTraffic);
    expect(producers[0].name).toBe(DEMO_TRAFFIC_PRODUCER);
  });

  it('fails the start for a rate that is not positive, even when off', async () => {
    await expect(
      addedProducers({
        deliveryPipeline: { demo: { traffic: { eventsPerSecond: 0 } } },
      }),
    ).rejects.toThrow(
      'deliveryPipeline.demo.traffic.eventsPerSecond must be a positive number; got 0',
    );
  });

  describe('with the real pipeline and registry', () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    /**
     * A transport that keeps what ingest publishes and hands nothing to the
     * consumer. `hold()` makes publishing wait, which stops the traffic
     * (it sends one batch at a time) so that the counts are of one moment.
     */
    function capturingTransport() {
      const published: TransportEvent[] = [];
      let held: Promise<void> | undefined;
      let release = () => {};
      const transport: EventTransport = {
        async publish(events) {
          await held;
          published.push(...events);
        },
        async claim() {
          return undefined;
        },
        async ack() {},
        async release() {},
        async backlog() {
          return { events: 0, bytes: 0, maxEvents: 1e9, maxBytes: 1e12 };
        },
        async lowWatermark() {
          return Date.now();
        },
        async close() {},
      };
      return {
        published,
        hold() {
          held = new Promise(resolve => {
            release = resolve;
          });
        },
        release: () => release(),
        module: createBackendModule({
          pluginId: 'delivery-pipeline',
          moduleId: 'capturing-transport',
          register(reg) {
            reg.registerInit({
              deps: { transports: deliveryPipelineTransportExtensionPoint },
              async init({ transports }) {
                transports.setTransport(transport);
              },
            });
          },
        }),
      };
    }

    const databases = TestDatabases.create();

    it.each(databases.eachSupportedId())(
      'is accepted by ingest, except for the invalid events, which become failed events of producer demo-traffic, on %p',
      async databaseId => {
        // One database per plugin, as in a real backend.
        const registryDb = await databases.init(databaseId);
        const pipelineDb = await databases.init(databaseId);
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'demo-traffic-'));
        const transport = capturingTransport();
        // Every line the backend logs, with its level, to tell what went
        // wrong; a child logs to the same list.
        const logged: string[] = [];
        const logger: LoggerService = {
          child: () => logger,
          debug: () => {},
          info: message => logged.push(`info: ${message}`),
          warn: message => logged.push(`warn: ${message}`),
          error: (message, error) => logged.push(`error: ${message} ${error}`),
        };
        const backend = await startTestBackend({
          features: [
            deliveryPipelinePlugin,
            deliveryPipelineModuleDemoTraffic,
            transport.module,
            eventSchemasPlugin,
            // Scheduled tasks stay idle: only ingest is under test.
            mockServices.scheduler.factory(),
            createServiceFactory({
              service: coreServices.database,
              deps: { plugin: coreServices.pluginMetadata },
              factory: ({ plugin }) => ({
                getClient: async () =>
                  plugin.getId() === 'event-schemas' ? registryDb : pipelineDb,
              }),
            }),
            createServiceFactory({
              service: coreServices.logger,
              deps: {},
              factory: () => logger,
            }),
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
                  storage: { directory: path.join(dir, 'storage') },
                  deduper: { spillDirectory: path.join(dir, 'spill') },
                  personalData: {
                    keyEncryptionKeyFile: path.join(dir, 'kek.json'),
                  },
                  demo: { traffic: { enabled: true, eventsPerSecond: 1000 } },
                },
              },
            }),
            catalogServiceMock.factory({ entities: [] }),
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({ send: async () => {} }),
            }),
          ],
        });
        cleanup = async () => {
          transport.release();
          await backend.stop();
          await fs.rm(dir, { recursive: true, force: true });
        };

        const deadline = Date.now() + 45_000;
        while (transport.published.length < 5_000) {
          if (Date.now() > deadline) {
            throw new Error(
              `Only ${
                transport.published.length
              } demo events published; logged: ${logged.join('; ')}`,
            );
          }
          await new Promise(resolve => setTimeout(resolve, 100));
        }
        transport.hold();

        const failed: Array<Record<string, unknown>> = [];
        for (const eventType of [
          'com.example.playback.started',
          'com.example.search.performed',
        ]) {
          let cursor: string | undefined;
          do {
            const res = await request(backend.server)
              .get('/api/delivery-pipeline/failed-events')
              .query({ eventType, limit: 1000, ...(cursor ? { cursor } : {}) })
              .set('Authorization', mockCredentials.user.header());
            expect(res.status).toBe(200);
            failed.push(...res.body.items);
            cursor = res.body.nextCursor;
          } while (cursor);
        }

        // Ingest rejected nothing but the events made invalid on purpose:
        // demo traffic warns of any other rejection or failure.
        // Nothing failed either (a startup hook's failure is only logged).
        expect(
          logged.filter(
            m => m.startsWith('warn: Demo traffic') || m.startsWith('error:'),
          ),
        ).toEqual([]);
        const total = transport.published.length + failed.length;
        // About 1% are invalid (the generator's test measures the rates
        // exactly, on a fixed seed); here the random is not seeded.
        expect(failed.length / total).toBeGreaterThan(0.003);
        expect(failed.length / total).toBeLessThan(0.02);
        for (const event of failed) {
          expect(event).toMatchObject({
            producer: DEMO_TRAFFIC_PRODUCER,
            reason: expect.stringMatching(
              /^data does not follow version \d of/,
            ),
            eventType: expect.stringMatching(/^com\.example\./),
          });
        }
        // The deduplication key repeats for resends and conflicts (about 3.5%).
        const keys = transport.published.map(event => {
          const { source, id } = JSON.parse(event.line);
          return `${source} ${id}`;
        });
        const repeated = keys.length - new Set(keys).size;
        expect(repeated / total).toBeGreaterThan(0.02);
        expect(repeated / total).toBeLessThan(0.05);
      },
    );
  });
});
