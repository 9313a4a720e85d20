import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { ANNOTATION_BIGQUERY_TABLE } from './bigQueryTableEntity';
import {
  BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
  BigQueryTableEntityProvider,
  ProjectIdSource,
} from './BigQueryTableEntityProvider';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';
import { makeEventType } from './testFixtures';

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
const APP_BASE_URL = 'http://localhost:3000';
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

function tables(mutation: EntityProviderMutation) {
  return entitiesOf(mutation).map(
    ({ entity }) => entity.metadata.annotations?.[ANNOTATION_BIGQUERY_TABLE],
  );
}

describe('BigQueryTableEntityProvider', () => {
  const started = makeEventType({ name: 'com.example.playback.started' });
  const search = makeEventType({
    name: 'com.example.search.performed',
    owner: 'group:default/search',
  });

  function createProvider(
    registry: FakeRegistry = new FakeRegistry(),
    projectId: ProjectIdSource = 'acme-events',
  ) {
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler.mock();
    const provider = new BigQueryTableEntityProvider({
      eventTypes: registry,
      projectId,
      datasetId: 'events',
      tableIdOf: bigQueryTableId,
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

  async function setup(projectId?: ProjectIdSource) {
    const registry = new FakeRegistry();
    registry.add(started);
    registry.add(search);
    const { provider, logger, scheduler } = createProvider(registry, projectId);
    const connection = new FakeConnection();
    await provider.connect(connection);
    return { registry, logger, scheduler, provider, connection };
  }

  it('has a name of its own, apart from the datasets provider', async () => {
    const { provider } = await setup();
    expect(provider.getProviderName()).toBe(
      'delivery-pipeline-bigquery-tables',
    );
  });

  it('schedules the full sync once connected', async () => {
    const { scheduler, connection } = await setup();

    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({
      id: BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
      ...SCHEDULE,
    });

    await task.fn(new AbortController().signal);
    expect(connection.mutations).toHaveLength(1);
    expect(connection.mutations[0].type).toBe('full');
  });

  describe('fullSync', () => {
    it('replaces all entities with one table per event type', async () => {
      const { provider, connection, logger } = await setup();

      await provider.fullSync();

      expect(connection.mutations).toEqual([
        { type: 'full', entities: expect.any(Array) },
      ]);
      const entities = entitiesOf(connection.mutations[0]);
      expect(entities.map(e => e.locationKey)).toEqual([
        'delivery-pipeline-bigquery-tables:com.example.playback.started',
        'delivery-pipeline-bigquery-tables:com.example.search.performed',
      ]);
      expect(entities[1].entity).toMatchObject({
        kind: 'Resource',
        metadata: {
          name: 'com.example.search.performed-bigquery',
          title: 'acme-events.events.com_example_search_performed',
          annotations: {
            'delivery-pipeline/event-type': 'com.example.search.performed',
            [ANNOTATION_BIGQUERY_TABLE]:
              'acme-events:events.com_example_search_performed',
          },
        },
        spec: {
          type: 'bigquery-table',
          owner: 'group:default/search',
          dependsOn: ['resource:default/com.example.search.performed-dataset'],
        },
      });
      expect(logger.info).toHaveBeenCalledWith(
        'Synced the BigQuery tables of 2 event types to the catalog',
      );
    });

    it('names the table the injected naming gives', async () => {
      const registry = new FakeRegistry();
      registry.add(started);
      const logger = mockServices.logger.mock();
      const provider = new BigQueryTableEntityProvider({
        eventTypes: registry,
        projectId: 'acme-events',
        datasetId: 'events',
        tableIdOf: name => `t_${name.length}`,
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: APP_BASE_URL } },
        }),
        logger,
        scheduler: mockServices.scheduler.mock(),
        schedule: SCHEDULE,
      });
      const connection = new FakeConnection();
      await provider.connect(connection);

      await provider.fullSync();

      expect(tables(connection.mutations[0])).toEqual([
        'acme-events:events.t_28',
      ]);
    });

    it('leaves deleted event types out, which removes their tables', async () => {
      const { registry, provider, connection } = await setup();
      await provider.fullSync();

      registry.eventTypes.delete(search.name);
      await provider.fullSync();

      expect(connection.mutations.map(m => m.type)).toEqual(['full', 'full']);
      expect(
        entitiesOf(connection.mutations[1]).map(e => e.entity.metadata.name),
      ).toEqual(['com.example.playback.started-bigquery']);
    });

    it('shortens long names within the catalog limit', async () => {
      const { registry, provider, connection } = await setup();
      const long = `com.example.${'x'.repeat(116)}`;
      registry.add(makeEventType({ name: long }));

      await provider.fullSync();

      const [entity] = entitiesOf(connection.mutations[0])
        .map(e => e.entity)
        .filter(
          e =>
            e.metadata.annotations?.['delivery-pipeline/event-type'] === long,
        );
      expect(entity.metadata.name).toHaveLength(63);
      expect(entity.metadata.name).toMatch(/-[0-9a-f]{16}-bigquery$/);
      expect(entity.spec?.dependsOn).toEqual([
        expect.stringMatching(/^resource:default\/.*-[0-9a-f]{16}-dataset$/),
      ]);
    });

    it('applies nothing when the registry cannot be listed', async () => {
      const { registry, provider, connection } = await setup();
      registry.failing = true;

      await expect(provider.fullSync()).rejects.toThrow('registry unavailable');
      expect(connection.mutations).toEqual([]);
    });

    it('asks for the project once, and again after a failure', async () => {
      const projectId = jest
        .fn<Promise<string>, []>()
        .mockRejectedValueOnce(new Error('no metadata server'))
        .mockResolvedValue('adc-project');
      const { provider, connection } = await setup(projectId);

      await expect(provider.fullSync()).rejects.toThrow('no metadata server');
      expect(connection.mutations).toEqual([]);

      await provider.fullSync();
      await provider.fullSync();
      expect(projectId).toHaveBeenCalledTimes(2);
      expect(tables(connection.mutations[1])).toEqual([
        'adc-project:events.com_example_playback_started',
        'adc-project:events.com_example_search_performed',
      ]);
    });

    it('refuses to run before the catalog connected', async () => {
      const { provider } = createProvider();
      await expect(provider.fullSync()).rejects.toThrow(
        'delivery-pipeline-bigquery-tables is not connected yet',
      );
    });
  });

  describe('applyChange', () => {
    it('adds or replaces the table of an upserted event type', async () => {
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
                  name: 'com.example.playback.started-bigquery',
                }),
                spec: expect.objectContaining({
                  owner: 'group:default/listening',
                }),
              }),
              locationKey:
                'delivery-pipeline-bigquery-tables:com.example.playback.started',
            },
          ],
          removed: [],
        },
      ]);
    });

    it('removes the table of a deleted event type by its ref', async () => {
      const { provider, connection } = await setup();

      await provider.applyChange({
        action: 'deleted',
        eventType: started.name,
      });

      expect(connection.mutations).toEqual([
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef:
                'resource:default/com.example.playback.started-bigquery',
              locationKey:
                'delivery-pipeline-bigquery-tables:com.example.playback.started',
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
        'Event type com.example.unknown was not found in the registry, no BigQuery table to upsert',
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
        "Failed to apply change 'upserted' of event type com.example.playback.started to its BigQuery table in the catalog; the next full sync will catch up",
        expect.objectContaining({ message: 'registry unavailable' }),
      );
    });
  });
});
