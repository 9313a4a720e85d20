import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import {
  EVENT_SCHEMAS_TOPIC,
  EventType,
  EventTypeList,
} from '@data-collection/plugin-event-schemas-common';
import { ANNOTATION_BIGQUERY_TABLE } from './bigQueryTableEntity';
import { BIGQUERY_TABLES_FULL_SYNC_TASK_ID } from './BigQueryTableEntityProvider';
import { catalogModuleBigQueryTables } from './module';
import { makeEventType } from './testFixtures';

jest.setTimeout(60_000);

const APP = { app: { baseUrl: 'http://localhost:3000' } };
const BIGQUERY = {
  deliveryPipeline: {
    gcp: { projectId: 'acme-events', bigquery: { datasetId: 'events' } },
  },
};

/**
 * Stands in for the schema registry's `GET /event-types` and
 * `GET /event-types/:name`, so the module reads it over HTTP as in the
 * portal.
 */
function registryStub(eventTypes: EventType[]) {
  return createBackendPlugin({
    pluginId: 'event-schemas',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req, res, next) => {
            if (req.method !== 'GET' || !req.path.startsWith('/event-types')) {
              next();
              return;
            }
            if (req.path === '/event-types') {
              const list: EventTypeList = {
                items: eventTypes,
                totalItems: eventTypes.length,
              };
              res.json(list);
              return;
            }
            const name = decodeURIComponent(
              req.path.slice('/event-types/'.length),
            );
            const found = eventTypes.find(e => e.name === name);
            if (found) {
              res.json(found);
            } else {
              res.status(404).json({ error: { name: 'NotFoundError' } });
            }
          });
        },
      });
    },
  });
}

describe('catalogModuleBigQueryTables', () => {
  const started = makeEventType();
  const search = makeEventType({
    name: 'com.example.search.performed',
    owner: 'group:default/search',
  });
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function startModule(config: JsonObject) {
    const addEntityProvider = jest.fn();
    const scheduler = mockServices.scheduler.mock();
    const events = mockServices.events.mock();
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider }],
      ],
      features: [
        catalogModuleBigQueryTables,
        registryStub([started, search]),
        scheduler.factory,
        events.factory,
        logger.factory,
        mockServices.rootConfig.factory({ data: { ...APP, ...config } }),
      ],
    });
    stop = () => backend.stop();
    return { addEntityProvider, scheduler, events, logger };
  }

  /** The registered provider, connected; its scheduled full sync. */
  async function connectProvider(
    module: Awaited<ReturnType<typeof startModule>>,
  ) {
    const { addEntityProvider, scheduler } = module;
    expect(addEntityProvider).toHaveBeenCalledTimes(1);
    const provider: EntityProvider = addEntityProvider.mock.calls[0][0];
    const mutations: EntityProviderMutation[] = [];
    await provider.connect({
      applyMutation: async mutation => {
        mutations.push(mutation);
      },
      refresh: async () => {},
    });
    const [{ fn }] = scheduler.scheduleTask.mock.calls[0];
    return {
      provider,
      mutations,
      fullSync: () => fn(new AbortController().signal),
    };
  }

  it('does nothing but say so when BigQuery is not configured', async () => {
    const { addEntityProvider, events, logger } = await startModule({
      deliveryPipeline: { gcp: { projectId: 'acme-events' } },
    });

    expect(addEntityProvider).not.toHaveBeenCalled();
    expect(events.subscribe).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      'deliveryPipeline.gcp.bigquery is not configured, so there are no BigQuery tables to add to the catalog',
    );
  });

  it('registers the provider and schedules its full sync as the datasets do', async () => {
    const module = await startModule(BIGQUERY);
    const { provider } = await connectProvider(module);

    expect(provider.getProviderName()).toBe(
      'delivery-pipeline-bigquery-tables',
    );
    expect(module.scheduler.scheduleTask).toHaveBeenCalledWith({
      id: BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 15 },
      scope: 'global',
      fn: expect.any(Function),
    });
  });

  it('takes the schedule from config, keeping the default initial delay and scope', async () => {
    const module = await startModule({
      deliveryPipeline: {
        gcp: {
          projectId: 'acme-events',
          bigquery: {
            datasetId: 'events',
            catalog: {
              schedule: { frequency: { minutes: 5 }, timeout: 'PT1M' },
            },
          },
        },
      },
    });
    await connectProvider(module);

    expect(module.scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
        frequency: { minutes: 5 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
        scope: 'global',
      }),
    );
  });

  it('syncs a valid table entity per event type read from the registry', async () => {
    const { mutations, fullSync } = await connectProvider(
      await startModule(BIGQUERY),
    );

    await fullSync();

    expect(mutations).toHaveLength(1);
    const [full] = mutations;
    const entities: Entity[] =
      full.type === 'full' ? full.entities.map(e => e.entity) : [];
    expect(
      entities.map(e => [
        e.metadata.name,
        e.spec?.dependsOn,
        e.metadata.annotations?.[ANNOTATION_BIGQUERY_TABLE],
        e.metadata.annotations?.['backstage.io/managed-by-location'],
      ]),
    ).toEqual([
      [
        'com.example.playback.started-bigquery',
        ['resource:default/com.example.playback.started-dataset'],
        'acme-events:events.com_example_playback_started',
        expect.stringMatching(
          /^url:http:\/\/localhost:\d+\/api\/event-schemas\/event-types\/com\.example\.playback\.started$/,
        ),
      ],
      [
        'com.example.search.performed-bigquery',
        ['resource:default/com.example.search.performed-dataset'],
        'acme-events:events.com_example_search_performed',
        expect.stringMatching(
          /\/api\/event-schemas\/event-types\/com\.example\.search\.performed$/,
        ),
      ],
    ]);
    for (const entity of entities) {
      expect(() => entitySchemaValidator()(entity)).not.toThrow();
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(
        entity,
      );
    }
  });

  describe('without a configured project', () => {
    const saved = process.env.GOOGLE_CLOUD_PROJECT;
    afterEach(() => {
      if (saved === undefined) {
        delete process.env.GOOGLE_CLOUD_PROJECT;
      } else {
        process.env.GOOGLE_CLOUD_PROJECT = saved;
      }
    });

    it('names the project of the credentials', async () => {
      // The first place Application Default Credentials look for the project.
      process.env.GOOGLE_CLOUD_PROJECT = 'adc-project';
      const { mutations, fullSync } = await connectProvider(
        await startModule({
          deliveryPipeline: { gcp: { bigquery: { datasetId: 'events' } } },
        }),
      );

      await fullSync();

      const [full] = mutations;
      expect(
        full.type === 'full' &&
          full.entities.map(
            e => e.entity.metadata.annotations?.[ANNOTATION_BIGQUERY_TABLE],
          ),
      ).toEqual([
        'adc-project:events.com_example_playback_started',
        'adc-project:events.com_example_search_performed',
      ]);
    });
  });

  it('applies the changes the registry publishes', async () => {
    const module = await startModule(BIGQUERY);
    const { mutations } = await connectProvider(module);
    expect(module.events.subscribe).toHaveBeenCalledTimes(1);
    const [subscription] = module.events.subscribe.mock.calls[0];
    expect(subscription.topics).toEqual([EVENT_SCHEMAS_TOPIC]);

    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { action: 'upserted', eventType: search.name },
    });
    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { action: 'deleted', eventType: 'com.example.gone' },
    });
    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { something: 'else' },
    });

    expect(module.logger.warn).toHaveBeenCalledWith(
      'Ignored an event on topic event-schemas without action and event type',
    );
    expect(mutations).toEqual([
      {
        type: 'delta',
        added: [
          expect.objectContaining({
            entity: expect.objectContaining({
              metadata: expect.objectContaining({
                name: 'com.example.search.performed-bigquery',
              }),
            }),
          }),
        ],
        removed: [],
      },
      {
        type: 'delta',
        added: [],
        removed: [
          {
            entityRef: 'resource:default/com.example.gone-bigquery',
            locationKey: 'delivery-pipeline-bigquery-tables:com.example.gone',
          },
        ],
      },
    ]);
  });
});
