import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_LOCATION,
  datasetEntityName,
} from './datasetEntity';
import {
  DATASETS_FULL_SYNC_TASK_ID,
  DeliveredDatasetEntityProvider,
  DeliveredRootReader,
} from './DeliveredDatasetEntityProvider';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { makeEventType } from './testFixtures';

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
const APP_BASE_URL = 'http://localhost:3000';
const ROOT = 'file:///data/delivery-pipeline/storage/delivered';
const SCHEDULE = { frequency: { minutes: 30 }, timeout: { minutes: 10 } };

/** An in-memory registry; tests add, remove and break event types. */
class FakeRegistry
  implements Pick<EventTypeReader, 'listEventTypes' | 'getEventType'>
{
  readonly eventTypes = new Map<string, EventType>();
  failing = false;

  add(eventType: EventType) {
    this.eventTypes.set(eventType.name, eventType);
  }

  async listEventTypes() {
    if (this.failing) throw new Error('registry unavailable');
    return [...this.eventTypes.values()];
  }

  async getEventType(name: string) {
    if (this.failing) throw new Error('registry unavailable');
    return this.eventTypes.get(name);
  }
}

/** The pipeline's answer to `GET /datasets`, or its failure. */
class FakePipeline implements DeliveredRootReader {
  root = ROOT;
  failing = false;

  async getDeliveredRoot() {
    if (this.failing) throw new Error('pipeline unavailable');
    return this.root;
  }
}

/** A connection that records what the provider applies. */
class FakeConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }

  async refresh() {}
}

function entitiesOf(mutation: EntityProviderMutation): DeferredEntity[] {
  return mutation.type === 'full' ? mutation.entities : mutation.added;
}

function locations(mutation: EntityProviderMutation) {
  return entitiesOf(mutation).map(
    ({ entity }) => entity.metadata.annotations?.[ANNOTATION_DATASET_LOCATION],
  );
}

describe('DeliveredDatasetEntityProvider', () => {
  const started = makeEventType({ name: 'com.example.playback.started' });
  const search = makeEventType({
    name: 'com.example.search.performed',
    owner: 'group:default/search',
  });

  function createProvider(
    registry: FakeRegistry = new FakeRegistry(),
    pipeline: FakePipeline = new FakePipeline(),
  ) {
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler.mock();
    const provider = new DeliveredDatasetEntityProvider({
      eventTypes: registry,
      deliveredRoot: pipeline,
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
      logger,
      scheduler,
      schedule: SCHEDULE,
    });
    return { provider, logger, scheduler };
  }

  async function setup() {
    const registry = new FakeRegistry();
    registry.add(started);
    registry.add(search);
    const pipeline = new FakePipeline();
    const { provider, logger, scheduler } = createProvider(registry, pipeline);
    const connection = new FakeConnection();
    await provider.connect(connection);
    return { registry, pipeline, logger, scheduler, provider, connection };
  }

  it('has a name of its own, apart from the registry provider', async () => {
    const { provider } = await setup();
    expect(provider.getProviderName()).toBe('delivered-datasets');
  });

  it('schedules the full sync once connected', async () => {
    const { scheduler, connection } = await setup();

    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({ id: DATASETS_FULL_SYNC_TASK_ID, ...SCHEDULE });

    await task.fn(new AbortController().signal);
    expect(connection.mutations).toHaveLength(1);
    expect(connection.mutations[0].type).toBe('full');
  });

  describe('fullSync', () => {
    it('replaces all entities with one dataset per event type', async () => {
      const { provider, connection } = await setup();

      await provider.fullSync();

      expect(connection.mutations).toEqual([
        { type: 'full', entities: expect.any(Array) },
      ]);
      const entities = entitiesOf(connection.mutations[0]);
      expect(entities.map(e => e.locationKey)).toEqual([
        'delivered-datasets:com.example.playback.started',
        'delivered-datasets:com.example.search.performed',
      ]);
      expect(entities[1].entity).toMatchObject({
        kind: 'Resource',
        metadata: {
          name: 'com.example.search.performed-dataset',
          annotations: {
            [ANNOTATION_DATASET_EVENT_TYPE]: 'com.example.search.performed',
            [ANNOTATION_DATASET_LOCATION]: `${ROOT}/com.example.search.performed`,
          },
        },
        spec: {
          type: 'dataset',
          owner: 'group:default/search',
          dependsOn: ['api:default/com.example.search.performed'],
        },
      });
    });

    it('leaves deleted event types out, which removes their datasets', async () => {
      const { registry, provider, connection } = await setup();
      await provider.fullSync();

      registry.eventTypes.delete(search.name);
      await provider.fullSync();

      expect(
        entitiesOf(connection.mutations[1]).map(e => e.entity.metadata.name),
      ).toEqual([datasetEntityName(started.name)]);
    });

    it('applies nothing when the registry cannot be listed', async () => {
      const { registry, provider, connection } = await setup();
      registry.failing = true;

      await expect(provider.fullSync()).rejects.toThrow('registry unavailable');
      expect(connection.mutations).toEqual([]);
    });

    it('syncs without the location when the pipeline cannot be asked', async () => {
      const { pipeline, logger, provider, connection } = await setup();
      pipeline.failing = true;

      await provider.fullSync();

      expect(locations(connection.mutations[0])).toEqual([
        undefined,
        undefined,
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not read where the delivery pipeline delivers to; the datasets go without their location until the next sync',
        expect.objectContaining({ message: 'pipeline unavailable' }),
      );
    });

    it('keeps the last location the pipeline named while it cannot be asked', async () => {
      const { pipeline, logger, provider, connection } = await setup();
      await provider.fullSync();
      pipeline.failing = true;

      await provider.fullSync();

      expect(locations(connection.mutations[1])).toEqual([
        `${ROOT}/com.example.playback.started`,
        `${ROOT}/com.example.search.performed`,
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        `Could not read where the delivery pipeline delivers to; keeping the last known location ${ROOT}`,
        expect.any(Error),
      );

      // A new answer replaces the remembered one.
      pipeline.failing = false;
      pipeline.root = 'gs://bucket/delivered';
      await provider.fullSync();
      expect(locations(connection.mutations[2])[0]).toBe(
        'gs://bucket/delivered/com.example.playback.started',
      );
    });

    it('refuses to run before the catalog connected', async () => {
      const { provider } = createProvider();
      await expect(provider.fullSync()).rejects.toThrow(
        'delivered-datasets is not connected yet',
      );
    });
  });

  describe('applyChange', () => {
    it('adds or replaces the dataset of an upserted event type', async () => {
      const { registry, provider, connection } = await setup();
      registry.add({ ...started, owner: 'group:default/listening' });

      await provider.applyChange({
        action: 'upserted',
        eventType: started.name,
      });

      expect(connection.mutations).toEqual([
        {
          type: 'delta',
          added: [
            {
              entity: expect.objectContaining({
                metadata: expect.objectContaining({
                  name: 'com.example.playback.started-dataset',
                  annotations: expect.objectContaining({
                    [ANNOTATION_DATASET_LOCATION]: `${ROOT}/com.example.playback.started`,
                  }),
                }),
                spec: expect.objectContaining({
                  owner: 'group:default/listening',
                }),
              }),
              locationKey: 'delivered-datasets:com.example.playback.started',
            },
          ],
          removed: [],
        },
      ]);
    });

    it('upserts without the location when the pipeline cannot be asked', async () => {
      const { pipeline, provider, connection } = await setup();
      pipeline.failing = true;

      await provider.applyChange({
        action: 'upserted',
        eventType: started.name,
      });

      expect(connection.mutations).toHaveLength(1);
      expect(locations(connection.mutations[0])).toEqual([undefined]);
    });

    it('removes the dataset of a deleted event type by its ref', async () => {
      const { provider, connection } = await setup();
      const longName = `com.example.${'x'.repeat(116)}`;

      await provider.applyChange({
        action: 'deleted',
        eventType: started.name,
      });
      await provider.applyChange({ action: 'deleted', eventType: longName });

      expect(connection.mutations).toEqual([
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef:
                'resource:default/com.example.playback.started-dataset',
              locationKey: 'delivered-datasets:com.example.playback.started',
            },
          ],
        },
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: `resource:default/${datasetEntityName(longName)}`,
              locationKey: `delivered-datasets:${longName}`,
            },
          ],
        },
      ]);
    });

    it('adds nothing for an upserted event type that is gone already', async () => {
      const { provider, connection, logger } = await setup();

      await provider.applyChange({
        action: 'upserted',
        eventType: 'com.example.unknown',
      });

      expect(connection.mutations).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        'Event type com.example.unknown was not found in the registry, no dataset to upsert',
      );
    });

    it('logs a failed read instead of throwing it at the events service', async () => {
      const { registry, logger, provider, connection } = await setup();
      registry.failing = true;

      await expect(
        provider.applyChange({ action: 'upserted', eventType: started.name }),
      ).resolves.toBeUndefined();

      expect(connection.mutations).toEqual([]);
      expect(logger.error).toHaveBeenCalledWith(
        "Failed to apply change 'upserted' of event type com.example.playback.started to its dataset in the catalog; the next full sync will catch up",
        expect.objectContaining({ message: 'registry unavailable' }),
      );
    });

    it('logs a change that arrives before the catalog connected', async () => {
      const { provider, logger } = createProvider();

      await provider.applyChange({
        action: 'deleted',
        eventType: started.name,
      });

      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('Failed to apply change'),
        expect.objectContaining({
          message: 'delivered-datasets is not connected yet',
        }),
      );
    });
  });
});
