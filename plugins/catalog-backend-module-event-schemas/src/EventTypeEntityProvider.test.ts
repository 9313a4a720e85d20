import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  EventType,
  eventTypeEntityName,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { ANNOTATION_EVENT_TYPE } from './apiEntity';
import {
  EventTypeEntityProvider,
  FULL_SYNC_TASK_ID,
} from './EventTypeEntityProvider';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { makeEventType, makeVersion } from './testFixtures';

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
const SCHEDULE = { frequency: { minutes: 30 }, timeout: { minutes: 10 } };

/** An in-memory registry; tests add, remove and break event types. */
class FakeRegistry
  implements
    Pick<
      EventTypeReader,
      'listEventTypes' | 'getEventType' | 'getLatestVersion' | 'getVersion'
    >
{
  readonly eventTypes = new Map<string, EventType>();
  readonly versions = new Map<string, EventTypeVersion>();
  readonly failing = new Set<string>();

  add(eventType: EventType) {
    this.eventTypes.set(eventType.name, eventType);
    this.versions.set(eventType.name, makeVersion(eventType));
  }

  async listEventTypes() {
    return [...this.eventTypes.values()];
  }

  async getEventType(name: string) {
    return this.eventTypes.get(name);
  }

  async getVersion(name: string, version: number | 'latest') {
    const latest = this.versions.get(name);
    return version === 'latest' || latest?.version === version
      ? latest
      : undefined;
  }

  async getLatestVersion(name: string) {
    if (this.failing.has(name)) {
      throw new Error('registry unavailable');
    }
    return this.versions.get(name);
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

function eventTypeNames(entities: DeferredEntity[]) {
  return entities.map(
    ({ entity }) => entity.metadata.annotations?.[ANNOTATION_EVENT_TYPE],
  );
}

describe('EventTypeEntityProvider', () => {
  const started = makeEventType({ name: 'com.example.playback.started' });
  const stopped = makeEventType({ name: 'com.example.playback.stopped' });

  async function setup() {
    const reader = new FakeRegistry();
    reader.add(started);
    reader.add(stopped);
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler.mock();
    const provider = new EventTypeEntityProvider({
      eventTypes: reader,
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
      logger,
      scheduler,
      schedule: SCHEDULE,
    });
    const connection = new FakeConnection();
    await provider.connect(connection);
    return { reader, logger, scheduler, provider, connection };
  }

  it('is named after the registry', async () => {
    const { provider } = await setup();
    expect(provider.getProviderName()).toBe('event-schemas');
  });

  it('schedules the full sync once connected', async () => {
    const { scheduler, connection } = await setup();

    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({ id: FULL_SYNC_TASK_ID, ...SCHEDULE });

    await task.fn(new AbortController().signal);
    expect(connection.mutations).toHaveLength(1);
    expect(connection.mutations[0].type).toBe('full');
  });

  describe('fullSync', () => {
    it('replaces all entities with one per event type', async () => {
      const { provider, connection } = await setup();

      await provider.fullSync();

      expect(connection.mutations).toEqual([
        { type: 'full', entities: expect.any(Array) },
      ]);
      const [mutation] = connection.mutations;
      const entities = mutation.type === 'full' ? mutation.entities : [];
      expect(entities.map(e => e.locationKey)).toEqual([
        'event-schemas:com.example.playback.started',
        'event-schemas:com.example.playback.stopped',
      ]);
      expect(entities[0].entity).toMatchObject({
        kind: 'API',
        metadata: {
          name: 'com.example.playback.started',
          title: 'com.example.playback.started',
        },
        spec: { type: 'asyncapi', owner: 'group:default/playback' },
      });
    });

    it('embeds the registered versions a schema references, so the definition fetches nothing', async () => {
      const { reader, provider, connection } = await setup();
      const track = makeEventType({ name: 'com.example.track' });
      reader.add(track);
      reader.versions.set(
        track.name,
        makeVersion(track, {
          type: 'object',
          properties: { isrc: { type: 'string' } },
        }),
      );
      const ref = `${REGISTRY_URL}/event-types/com.example.track/versions/${track.latestVersion}`;
      reader.versions.set(
        started.name,
        makeVersion(started, {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { track: { $ref: ref } },
        }),
      );

      await provider.fullSync();

      const [mutation] = connection.mutations;
      const entities = mutation.type === 'full' ? mutation.entities : [];
      const definition = String(
        entities.find(e => e.entity.metadata.name === started.name)!.entity
          .spec!.definition,
      );
      expect(definition).not.toContain(ref);
      expect(definition).toContain('isrc');
      expect(definition).toContain(`com.example.track@${track.latestVersion}`);
    });

    it('embeds the registered versions an Avro schema references where it names them', async () => {
      const { reader, provider, connection } = await setup();
      const track = makeEventType({
        name: 'com.example.track',
        format: 'avro',
      });
      reader.add(track);
      reader.versions.set(
        track.name,
        makeVersion(track, {
          type: 'record',
          name: 'com.example.Track',
          fields: [{ name: 'isrc', type: 'string' }],
        }),
      );
      const ref = `${REGISTRY_URL}/event-types/com.example.track/versions/${track.latestVersion}`;
      const played = makeEventType({
        name: 'com.example.played',
        format: 'avro',
        personalDataFields: [],
        dataSubject: undefined,
      });
      reader.add(played);
      reader.versions.set(
        played.name,
        makeVersion(played, {
          type: 'record',
          name: 'com.example.Played',
          fields: [
            { name: 'track', type: ref },
            { name: 'previous', type: ['null', ref], default: null },
          ],
        }),
      );

      await provider.fullSync();

      const [mutation] = connection.mutations;
      const entities = mutation.type === 'full' ? mutation.entities : [];
      const definition = String(
        entities.find(e => e.entity.metadata.name === played.name)!.entity.spec!
          .definition,
      );
      expect(definition).not.toContain(ref);
      expect(definition).toContain('isrc');
    });

    it('leaves deleted event types out, which removes them from the catalog', async () => {
      const { reader, provider, connection } = await setup();
      await provider.fullSync();

      reader.eventTypes.delete(stopped.name);
      await provider.fullSync();

      const last = connection.mutations[1];
      expect(last.type).toBe('full');
      expect(eventTypeNames(last.type === 'full' ? last.entities : [])).toEqual(
        [started.name],
      );
    });

    it('applies nothing when an event type cannot be read', async () => {
      const { reader, provider, connection } = await setup();
      reader.failing.add(stopped.name);

      await expect(provider.fullSync()).rejects.toThrow(
        'Failed to sync event type com.example.playback.stopped; caused by Error: registry unavailable',
      );
      expect(connection.mutations).toEqual([]);
    });

    it('applies nothing when a listed event type has no latest version', async () => {
      // Deleted during the sync, or a misrouted read: only the list decides.
      const { reader, provider, connection } = await setup();
      reader.versions.delete(stopped.name);

      await expect(provider.fullSync()).rejects.toThrow(
        'Failed to sync event type com.example.playback.stopped; caused by NotFoundError: no latest version',
      );
      expect(connection.mutations).toEqual([]);
    });

    it('refuses to run before the catalog connected', async () => {
      const provider = new EventTypeEntityProvider({
        eventTypes: new FakeRegistry(),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        logger: mockServices.logger.mock(),
        scheduler: mockServices.scheduler.mock(),
        schedule: SCHEDULE,
      });
      await expect(provider.fullSync()).rejects.toThrow(
        'event-schemas is not connected yet',
      );
    });
  });

  describe('applyChange', () => {
    it('adds or replaces the entity of an upserted event type', async () => {
      const { reader, provider, connection } = await setup();
      const renamed = { ...started, description: 'Now with a new description' };
      reader.add(renamed);

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
                  name: started.name,
                  description: 'Now with a new description',
                }),
              }),
              locationKey: `event-schemas:${started.name}`,
            },
          ],
          removed: [],
        },
      ]);
    });

    it('removes the entity of a deleted event type by its ref', async () => {
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
              entityRef: 'api:default/com.example.playback.started',
              locationKey: 'event-schemas:com.example.playback.started',
            },
          ],
        },
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: `api:default/${eventTypeEntityName(longName)}`,
              locationKey: `event-schemas:${longName}`,
            },
          ],
        },
      ]);
    });

    it('logs a failed read instead of throwing it at the events service', async () => {
      const { reader, logger, provider, connection } = await setup();
      reader.failing.add(started.name);

      await expect(
        provider.applyChange({ action: 'upserted', eventType: started.name }),
      ).resolves.toBeUndefined();

      expect(connection.mutations).toEqual([]);
      expect(logger.error).toHaveBeenCalledWith(
        "Failed to apply change 'upserted' of event type com.example.playback.started to the catalog; the next full sync will catch up",
        expect.objectContaining({ message: 'registry unavailable' }),
      );
    });

    it('adds nothing for an upserted event type that is gone already', async () => {
      const { provider, connection } = await setup();

      await provider.applyChange({
        action: 'upserted',
        eventType: 'com.example.unknown',
      });

      expect(connection.mutations).toEqual([]);
    });

    it('logs a change that arrives before the catalog connected', async () => {
      const logger = mockServices.logger.mock();
      const provider = new EventTypeEntityProvider({
        eventTypes: new FakeRegistry(),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        logger,
        scheduler: mockServices.scheduler.mock(),
        schedule: SCHEDULE,
      });

      await provider.applyChange({
        action: 'deleted',
        eventType: started.name,
      });

      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('Failed to apply change'),
        expect.objectContaining({
          message: 'event-schemas is not connected yet',
        }),
      );
    });
  });
});
