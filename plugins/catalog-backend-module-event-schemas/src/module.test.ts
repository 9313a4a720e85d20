import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  apiEntityV1alpha1Validator,
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
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
// The real registry, beside the module as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import path from 'node:path';
import request from 'supertest';
import { ANNOTATION_EVENT_TYPE_LATEST_VERSION } from './apiEntity';
import { FULL_SYNC_TASK_ID } from './EventTypeEntityProvider';
import { catalogModuleEventTypes } from './module';

jest.setTimeout(60_000);

describe('catalogModuleEventTypes', () => {
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
        catalogModuleEventTypes,
        scheduler.factory,
        events.factory,
        logger.factory,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' }, ...config },
        }),
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

    expect(provider.getProviderName()).toBe('event-schemas');
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: FULL_SYNC_TASK_ID,
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 15 },
      scope: 'global',
      fn: expect.any(Function),
    });
  });

  it('takes the schedule from config, keeping the default initial delay', async () => {
    const { scheduler } = await startModule({
      eventSchemas: {
        catalog: {
          schedule: { frequency: { minutes: 5 }, timeout: 'PT1M' },
        },
      },
    });

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: FULL_SYNC_TASK_ID,
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
          entityRef: 'api:default/com.example.gone',
          locationKey: 'event-schemas:com.example.gone',
        },
      ],
    });
  });

  describe('with the real registry', () => {
    const examples = path.resolve(__dirname, '../../../examples');

    // The registry's database, on every supported database; the test utils
    // close it afterwards.
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
          catalogModuleEventTypes,
          eventSchemasPlugin,
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
              app: { baseUrl: 'http://localhost:3000' },
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
        ([task]) => task.id === FULL_SYNC_TASK_ID,
      )!;
      return {
        backend,
        mutations,
        fullSync: () => fn(new AbortController().signal),
      };
    }

    it.each(databases.eachSupportedId())(
      'reads the registry over HTTP: a valid API entity per example type, a new version and a deletion applied, on %p',
      async databaseId => {
        const { backend, mutations, fullSync } = await startPortal(databaseId);

        await fullSync();

        expect(mutations).toHaveLength(1);
        const [full] = mutations;
        const entities: Entity[] =
          full.type === 'full' ? full.entities.map(e => e.entity) : [];
        expect(entities.map(e => [e.kind, e.metadata.name])).toEqual([
          ['API', 'com.example.playback.started'],
          ['API', 'com.example.search.performed'],
        ]);
        for (const entity of entities) {
          expect(() => entitySchemaValidator()(entity)).not.toThrow();
          await expect(apiEntityV1alpha1Validator.check(entity)).resolves.toBe(
            true,
          );
          await expect(
            new FieldFormatEntityPolicy().enforce(entity),
          ).resolves.toBe(entity);
        }
        // The registry's external URL, from discovery, names the location.
        expect(entities[1].metadata.annotations).toEqual(
          expect.objectContaining({
            'backstage.io/managed-by-location': expect.stringMatching(
              /^url:http:\/\/.+\/api\/event-schemas\/event-types\/com\.example\.search\.performed$/,
            ),
          }),
        );

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
              entityRef: 'api:default/com.example.search.performed',
              locationKey: 'event-schemas:com.example.search.performed',
            },
          ],
        });
        expect(
          entities[0].metadata.annotations?.[
            ANNOTATION_EVENT_TYPE_LATEST_VERSION
          ],
        ).toMatch(/^[1-9]\d*$/);
      },
    );
  });
});
