import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  eventsServiceRef,
  EventsServiceSubscribeOptions,
} from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { JsonObject } from '@backstage/types';
// The real registry, beside the module as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import express from 'express';
import path from 'node:path';
import request from 'supertest';
import { ANNOTATION_DATASET_LOCATION } from './datasetEntity';
import { DATASETS_FULL_SYNC_TASK_ID } from './DeliveredDatasetEntityProvider';
import { catalogModuleDeliveredDatasets } from './module';

jest.setTimeout(60_000);

const APP = { app: { baseUrl: 'http://localhost:3000' } };

describe('catalogModuleDeliveredDatasets', () => {
  async function startModule(config: JsonObject = {}) {
    const addEntityProvider = jest.fn();
    const scheduler = mockServices.scheduler.mock();
    const events = mockServices.events.mock();
    const logger = mockServices.logger.mock();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider }],
      ],
      features: [
        catalogModuleDeliveredDatasets,
        scheduler.factory,
        events.factory,
        logger.factory,
        mockServices.rootConfig.factory({ data: { ...APP, ...config } }),
      ],
    });

    expect(addEntityProvider).toHaveBeenCalledTimes(1);
    const provider: EntityProvider = addEntityProvider.mock.calls[0][0];
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    };
    await provider.connect(connection);

    expect(events.subscribe).toHaveBeenCalledTimes(1);
    const subscription: EventsServiceSubscribeOptions =
      events.subscribe.mock.calls[0][0];
    return { provider, connection, scheduler, logger, subscription };
  }

  it('registers the provider and schedules its full sync', async () => {
    const { provider, scheduler } = await startModule();

    expect(provider.getProviderName()).toBe('delivered-datasets');
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: DATASETS_FULL_SYNC_TASK_ID,
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 15 },
      scope: 'global',
      fn: expect.any(Function),
    });
  });

  it('takes the schedule from config, keeping the default initial delay and scope', async () => {
    const { scheduler } = await startModule({
      deliveryPipeline: {
        catalog: {
          schedule: { frequency: { minutes: 5 }, timeout: 'PT1M' },
        },
      },
    });

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: DATASETS_FULL_SYNC_TASK_ID,
        frequency: { minutes: 5 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
        scope: 'global',
      }),
    );
  });

  it('applies the changes the registry publishes', async () => {
    const { connection, logger, subscription } = await startModule();
    expect(subscription.topics).toEqual([EVENT_SCHEMAS_TOPIC]);

    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { action: 'deleted', eventType: 'com.example.gone' },
    });
    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { something: 'else' },
    });

    expect(logger.warn).toHaveBeenCalledWith(
      'Ignored an event on topic event-schemas without action and event type',
    );
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'resource:default/com.example.gone-dataset',
          locationKey: 'delivered-datasets:com.example.gone',
        },
      ],
    });
  });

  describe('with the real registry and a pipeline that names its delivered root', () => {
    const examples = path.resolve(__dirname, '../../../examples');
    const ROOT = 'gs://events-bucket/delivered';

    /** Stands in for the pipeline's `GET /datasets`, not written yet. */
    const pipelineStub = createBackendPlugin({
      pluginId: 'delivery-pipeline',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            const router = express.Router();
            router.get('/datasets', (_req, res) => {
              res.json({ location: ROOT });
            });
            httpRouter.use(router);
          },
        });
      },
    });

    // The registry's database, on every supported database; the test utils
    // close it afterwards (an unmanaged in-memory SQLite would keep the
    // worker from exiting).
    const databases = TestDatabases.create();
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await stop?.();
      stop = undefined;
    });

    async function startPortal(databaseId: TestDatabaseId) {
      const addEntityProvider = jest.fn();
      const scheduler = mockServices.scheduler.mock();
      // One bus for all plugins, as the events backend is (the default mock
      // gives each plugin its own).
      const events = mockServices.events();
      const backend = await startTestBackend({
        extensionPoints: [
          [catalogProcessingExtensionPoint, { addEntityProvider }],
        ],
        features: [
          catalogModuleDeliveredDatasets,
          eventSchemasPlugin,
          pipelineStub,
          scheduler.factory,
          createServiceFactory({
            service: eventsServiceRef,
            deps: {},
            factory: () => events,
          }),
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: {
              ...APP,
              eventSchemas: {
                demoData: {
                  directories: [
                    path.join(examples, 'demo-history'),
                    path.join(examples, 'event-types'),
                  ],
                },
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
      stop = () => backend.stop();
      const provider: EntityProvider = addEntityProvider.mock.calls[0][0];
      const mutations: EntityProviderMutation[] = [];
      await provider.connect({
        applyMutation: async mutation => {
          mutations.push(mutation);
        },
        refresh: async () => {},
      });
      // The registry schedules its own tasks (file sync, sunsets) on the same
      // scheduler: the provider's is found by its id.
      const [{ fn }] = scheduler.scheduleTask.mock.calls.find(
        ([task]) => task.id === DATASETS_FULL_SYNC_TASK_ID,
      )!;
      return {
        backend,
        mutations,
        fullSync: () => fn(new AbortController().signal),
      };
    }

    it.each(databases.eachSupportedId())(
      'syncs a valid dataset per example event type, and removes the dataset of a deleted one, on %p',
      async databaseId => {
        const { backend, mutations, fullSync } = await startPortal(databaseId);

        await fullSync();

        expect(mutations).toHaveLength(1);
        const [full] = mutations;
        const entities: Entity[] =
          full.type === 'full' ? full.entities.map(e => e.entity) : [];
        expect(
          entities.map(e => [
            e.metadata.name,
            e.spec?.dependsOn,
            e.metadata.annotations?.[ANNOTATION_DATASET_LOCATION],
          ]),
        ).toEqual([
          [
            'com.example.playback.started-dataset',
            ['api:default/com.example.playback.started'],
            `${ROOT}/com.example.playback.started`,
          ],
          [
            'com.example.search.performed-dataset',
            ['api:default/com.example.search.performed'],
            `${ROOT}/com.example.search.performed`,
          ],
        ]);
        // The registry's defaults fill in what the example leaves out.
        expect(entities[1].metadata.annotations).toEqual(
          expect.objectContaining({
            'delivery-pipeline/raw-retention': expect.stringMatching(/^P/),
            'delivery-pipeline/delivered-retention':
              expect.stringMatching(/^P/),
            'delivery-pipeline/sla-max-lateness': expect.stringMatching(/^P/),
          }),
        );
        for (const entity of entities) {
          expect(() => entitySchemaValidator()(entity)).not.toThrow();
          await expect(
            resourceEntityV1alpha1Validator.check(entity),
          ).resolves.toBe(true);
          await expect(
            new FieldFormatEntityPolicy().enforce(entity),
          ).resolves.toBe(entity);
        }

        // The registry announces the deletion on the events service.
        const deleted = await request(backend.server)
          .delete('/api/event-schemas/event-types/com.example.search.performed')
          .set('Authorization', mockCredentials.user.header());
        expect(deleted.status).toBeLessThan(300);
        expect(mutations[1]).toEqual({
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef:
                'resource:default/com.example.search.performed-dataset',
              locationKey: 'delivered-datasets:com.example.search.performed',
            },
          ],
        });
      },
    );
  });
});
