import { ResponseError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  EventTypeEntityProviderBase,
  EventTypeEntityProviderBaseOptions,
} from './EventTypeEntityProviderBase';
import { EventTypeReader } from './EventTypeReader';

const SCHEDULE = { frequency: { minutes: 30 }, timeout: { minutes: 10 } };

function makeEventType(name: string): EventType {
  return {
    name,
    title: name,
    description: '',
    owner: 'group:default/playback',
    lifecycle: 'production',
    tags: [],
    format: 'jsonschema',
    compatibility: 'BACKWARD',
    retention: { raw: 'P30D', delivered: 'P365D' },
    sla: { maxLateness: 'PT4H' },
    personalDataFields: [],
    latestVersion: 1,
    createdBy: 'user:default/guest',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

/** An in-memory registry; tests add, remove and break event types. */
class FakeRegistry
  implements Pick<EventTypeReader, 'listEventTypes' | 'getEventType'>
{
  readonly eventTypes = new Map<string, EventType>();
  failing = false;
  /** How many more listings answer as a starting registry does (503). */
  starting = 0;

  add(name: string) {
    this.eventTypes.set(name, makeEventType(name));
  }

  async listEventTypes() {
    if (this.failing) throw new Error('registry unavailable');
    if (this.starting > 0) {
      this.starting -= 1;
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'ServiceUnavailableError', message: 'starting' },
            response: { statusCode: 503 },
          }),
          { status: 503, headers: { 'content-type': 'application/json' } },
        ),
      );
    }
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

/** The smallest provider: one `Component` entity per event type. */
class WidgetEntityProvider extends EventTypeEntityProviderBase {
  /** Names whose entity cannot be made, to fail the full sync. */
  readonly broken = new Set<string>();

  constructor(
    options: Omit<EventTypeEntityProviderBaseOptions, 'providerName'>,
  ) {
    super({ providerName: 'widgets', ...options });
  }

  protected async toEntities(
    eventTypes: EventType[],
  ): Promise<DeferredEntity[]> {
    return eventTypes.map(eventType => {
      if (this.broken.has(eventType.name)) {
        throw new Error(`cannot make a widget of ${eventType.name}`);
      }
      return {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: `${eventType.name}-widget` },
          spec: { owner: eventType.owner },
        },
        locationKey: this.locationKey(eventType.name),
      };
    });
  }

  protected entityRef(name: string): string {
    return `component:default/${name}-widget`;
  }
}

describe('EventTypeEntityProviderBase', () => {
  const started = 'com.example.playback.started';
  const stopped = 'com.example.playback.stopped';

  function createProvider(
    options: {
      registry?: FakeRegistry;
      entityWords?: EventTypeEntityProviderBaseOptions['entityWords'];
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler.mock();
    const provider = new WidgetEntityProvider({
      fullSyncTaskId: 'widgets-full-sync',
      eventTypes: options.registry ?? new FakeRegistry(),
      logger,
      scheduler,
      schedule: SCHEDULE,
      entityWords: options.entityWords,
    });
    return { provider, logger, scheduler };
  }

  async function setup(
    entityWords?: EventTypeEntityProviderBaseOptions['entityWords'],
  ) {
    const registry = new FakeRegistry();
    registry.add(started);
    registry.add(stopped);
    const { provider, logger, scheduler } = createProvider({
      registry,
      entityWords,
    });
    const connection = new FakeConnection();
    await provider.connect(connection);
    return { registry, provider, logger, scheduler, connection };
  }

  it('is named as the subclass says', () => {
    const { provider } = createProvider();
    expect(provider.getProviderName()).toBe('widgets');
  });

  it('schedules the full sync once connected', async () => {
    const { scheduler, connection } = await setup();

    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({ id: 'widgets-full-sync', ...SCHEDULE });

    await task.fn(new AbortController().signal);
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);
  });

  describe('fullSync', () => {
    it('replaces all entities with those of the listed event types', async () => {
      const { provider, connection, logger } = await setup();

      await provider.fullSync();

      expect(connection.mutations).toEqual([
        {
          type: 'full',
          entities: [
            expect.objectContaining({
              entity: expect.objectContaining({
                metadata: { name: `${started}-widget` },
              }),
              locationKey: `widgets:${started}`,
            }),
            expect.objectContaining({ locationKey: `widgets:${stopped}` }),
          ],
        },
      ]);
      expect(logger.info).toHaveBeenCalledWith(
        'Synced 2 event types to the catalog',
      );
    });

    it('names the entities in its log when given the words', async () => {
      const { provider, logger } = await setup({
        plural: 'the widgets',
        singular: 'widget',
      });

      await provider.fullSync();

      expect(logger.info).toHaveBeenCalledWith(
        'Synced the widgets of 2 event types to the catalog',
      );
    });

    it('applies nothing when the registry cannot be listed', async () => {
      const { registry, provider, connection } = await setup();
      registry.failing = true;

      await expect(provider.fullSync()).rejects.toThrow('registry unavailable');
      expect(connection.mutations).toEqual([]);
    });

    it('applies nothing when the entities cannot be made', async () => {
      const { provider, connection } = await setup();
      provider.broken.add(stopped);

      await expect(provider.fullSync()).rejects.toThrow(
        `cannot make a widget of ${stopped}`,
      );
      expect(connection.mutations).toEqual([]);
    });

    it('refuses to run before the catalog connected', async () => {
      const { provider } = createProvider();
      await expect(provider.fullSync()).rejects.toThrow(
        'widgets is not connected yet',
      );
    });
  });

  describe('the scheduled full sync', () => {
    afterEach(() => jest.useRealTimers());

    async function scheduled(registry: FakeRegistry) {
      const { provider, logger, scheduler } = createProvider({ registry });
      const connection = new FakeConnection();
      await provider.connect(connection);
      const task = (scheduler.scheduleTask as jest.Mock).mock.calls[0][0];
      return {
        run: () => task.fn(new AbortController().signal),
        connection,
        logger,
      };
    }

    it('tries again while the registry is starting, then syncs', async () => {
      jest.useFakeTimers();
      const registry = new FakeRegistry();
      registry.add(started);
      registry.starting = 2;
      const { run, connection, logger } = await scheduled(registry);

      const done = run();
      await jest.advanceTimersByTimeAsync(15_000);
      await done;
      expect(connection.mutations).toHaveLength(1);
      expect(logger.info).toHaveBeenCalledWith(
        'The schema registry is starting; syncing to the catalog again in 5 s',
      );
      expect(logger.info).toHaveBeenCalledWith(
        'The schema registry is starting; syncing to the catalog again in 10 s',
      );
    });

    it('gives up on a registry that keeps starting, and on other errors at once', async () => {
      jest.useFakeTimers();
      const registry = new FakeRegistry();
      registry.starting = 100;
      const { run, connection } = await scheduled(registry);
      const outcome = run().then(
        () => undefined,
        (error: Error) => error,
      );
      await jest.advanceTimersByTimeAsync(160_000);
      expect((await outcome)?.message).toContain('Request failed with 503');
      expect(registry.starting).toBe(94);
      expect(connection.mutations).toEqual([]);

      registry.starting = 0;
      registry.failing = true;
      await expect(run()).rejects.toThrow('registry unavailable');
    });
  });

  describe('applyChange', () => {
    it('removes the entity of a deleted event type by its ref', async () => {
      const { provider, connection } = await setup();

      await provider.applyChange({ action: 'deleted', eventType: started });

      expect(connection.mutations).toEqual([
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: `component:default/${started}-widget`,
              locationKey: `widgets:${started}`,
            },
          ],
        },
      ]);
    });

    it('adds or replaces the entity of an upserted event type', async () => {
      const { registry, provider, connection } = await setup();
      registry.eventTypes.set(started, {
        ...makeEventType(started),
        owner: 'group:default/listening',
      });

      await provider.applyChange({ action: 'upserted', eventType: started });

      expect(connection.mutations).toEqual([
        {
          type: 'delta',
          added: [
            {
              entity: expect.objectContaining({
                spec: { owner: 'group:default/listening' },
              }),
              locationKey: `widgets:${started}`,
            },
          ],
          removed: [],
        },
      ]);
    });

    it.each([
      [undefined, 'nothing to upsert'],
      [{ plural: 'the widgets', singular: 'widget' }, 'no widget to upsert'],
    ])(
      'logs an upserted event type that is gone already (words %o)',
      async (entityWords, ending) => {
        const { provider, connection, logger } = await setup(entityWords);

        await provider.applyChange({
          action: 'upserted',
          eventType: 'com.example.unknown',
        });

        expect(connection.mutations).toEqual([]);
        expect(logger.info).toHaveBeenCalledWith(
          `Event type com.example.unknown was not found in the registry, ${ending}`,
        );
      },
    );

    it.each([
      [undefined, 'the catalog'],
      [
        { plural: 'the widgets', singular: 'widget' },
        'its widget in the catalog',
      ],
    ])(
      'logs a failed read instead of throwing it (words %o)',
      async (entityWords, target) => {
        const { registry, provider, connection, logger } = await setup(
          entityWords,
        );
        registry.failing = true;

        await expect(
          provider.applyChange({ action: 'upserted', eventType: started }),
        ).resolves.toBeUndefined();

        expect(connection.mutations).toEqual([]);
        expect(logger.error).toHaveBeenCalledWith(
          `Failed to apply change 'upserted' of event type ${started} to ${target}; the next full sync will catch up`,
          expect.objectContaining({ message: 'registry unavailable' }),
        );
      },
    );

    it('logs a change that arrives before the catalog connected', async () => {
      const { provider, logger } = createProvider();

      await provider.applyChange({ action: 'deleted', eventType: started });

      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('Failed to apply change'),
        expect.objectContaining({ message: 'widgets is not connected yet' }),
      );
    });
  });
});
