import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  LunrSearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  EventType,
  eventTypeReadPermission,
  EventTypeSearchDocument,
} from '@data-collection/plugin-event-schemas-common';
import { registryFeatures } from './__testUtils__/registryFeatures';
import { EventTypeCollatorFactory } from './EventTypeCollatorFactory';
import { searchModuleEventSchemasCollator } from './module';

jest.setTimeout(60_000);

const PLAYBACK = 'com.example.playback.started';
const SEARCH = 'com.example.search.performed';

describe('EventTypeCollatorFactory with the real registry', () => {
  const databases = TestDatabases.create();
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  /** The factory as the module wires it, reading the registry over HTTP. */
  async function startCollator(
    knex: Awaited<ReturnType<typeof databases.init>>,
    config?: { eventSchemas?: object },
  ): Promise<DocumentCollatorFactory> {
    const addCollator = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          { addCollator, addDecorator: jest.fn() },
        ],
      ],
      features: [
        searchModuleEventSchemasCollator,
        ...registryFeatures({ knex, config }),
      ],
    });
    stop = () => backend.stop();
    expect(addCollator).toHaveBeenCalledTimes(1);
    return addCollator.mock.calls[0][0].factory;
  }

  async function collate(factory: DocumentCollatorFactory) {
    const { documents, error } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();
    expect(error).toBeUndefined();
    return documents as EventTypeSearchDocument[];
  }

  it.each(databases.eachSupportedId())(
    'collates a document per event type, with its latest schema fields and read permission, on %p',
    async databaseId => {
      const factory = await startCollator(await databases.init(databaseId));
      expect(factory.type).toBe('event-type');
      expect(factory.visibilityPermission).toBe(eventTypeReadPermission);

      const documents = await collate(factory);

      expect(documents).toEqual([
        {
          title: 'Playback started',
          text: 'Sent by the player when a track starts playing.',
          location: `/event-types/${PLAYBACK}`,
          name: PLAYBACK,
          owner: 'group:default/playback',
          format: 'jsonschema',
          // The example registers a second version, which adds `source`.
          latestVersion: 2,
          lifecycle: 'production',
          tags: ['playback'],
          fields: ['user_id', 'track_id', 'position_ms', 'source'],
          authorization: { resourceRef: PLAYBACK },
        },
        {
          title: 'Search performed',
          text: 'Sent by the search service for every query a user runs.',
          location: `/event-types/${SEARCH}`,
          name: SEARCH,
          owner: 'group:default/playback',
          format: 'avro',
          latestVersion: 1,
          lifecycle: 'experimental',
          tags: ['search'],
          fields: ['user_id', 'query', 'results'],
          authorization: { resourceRef: SEARCH },
        },
      ]);
    },
  );

  it('links to the configured event types page', async () => {
    const factory = await startCollator(await databases.init('SQLITE_3'), {
      eventSchemas: {
        portal: { eventTypesPath: '/data/events/' },
      },
    });

    const documents = await collate(factory);

    expect(documents.map(d => d.location)).toEqual([
      `/data/events/${PLAYBACK}`,
      `/data/events/${SEARCH}`,
    ]);
  });

  it('refuses a page path that is not an absolute path, naming the key', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [
            searchIndexRegistryExtensionPoint,
            { addCollator: jest.fn(), addDecorator: jest.fn() },
          ],
        ],
        features: [
          searchModuleEventSchemasCollator,
          mockServices.rootConfig.factory({
            data: {
              eventSchemas: { portal: { eventTypesPath: 'event-types' } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      "Invalid eventSchemas.portal.eventTypesPath 'event-types': it must be the path the app mounts the event-schemas page at, starting with one '/'",
    );
  });

  describe('through the Lunr search engine', () => {
    let engine: LunrSearchEngine;

    beforeAll(async () => {
      const factory = await startCollator(await databases.init('SQLITE_3'));
      const documents = await collate(factory);
      engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
      const indexer = await engine.getIndexer(factory.type);
      const indexed = new Promise(resolve => indexer.on('close', resolve));
      const { error } = await TestPipeline.fromIndexer(indexer)
        .withDocuments(documents)
        .execute();
      if (error) throw error;
      await indexed;
      await stop?.();
      stop = undefined;
    });

    async function search(term: string) {
      const { results } = await engine.query({ term, types: ['event-type'] });
      return results.map(r => (r.document as EventTypeSearchDocument).name);
    }

    it('finds the type that has a field', async () => {
      const [first] = await search('track_id');
      expect(first).toBe(PLAYBACK);
      expect((await search('query'))[0]).toBe(SEARCH);
    });

    it("finds an owner's types", async () => {
      const found = await search('group:default/playback');
      expect(found.sort()).toEqual([PLAYBACK, SEARCH]);
    });

    it('finds a type by its title and its name', async () => {
      expect((await search('Search performed'))[0]).toBe(SEARCH);
      expect((await search('Playback started'))[0]).toBe(PLAYBACK);
      expect((await search(PLAYBACK))[0]).toBe(PLAYBACK);
    });
  });
});

describe('EventTypeCollatorFactory', () => {
  const eventType = (overrides: Partial<EventType>) =>
    ({
      name: 'com.example.broken',
      owner: 'group:default/playback',
      lifecycle: 'production',
      tags: [],
      format: 'jsonschema',
      latestVersion: 1,
      ...overrides,
    } as EventType);

  it('indexes a type whose schema no longer parses without its fields, and skips a type deleted meanwhile', async () => {
    const logger = mockServices.logger.mock();
    const factory = new EventTypeCollatorFactory({
      reader: {
        listEventTypes: async () => [
          eventType({ name: 'com.example.broken' }),
          eventType({ name: 'com.example.gone' }),
        ],
        getLatestVersion: async name =>
          name === 'com.example.broken'
            ? {
                eventType: name,
                version: 1,
                schema: '{ not json',
                fingerprint: 'sha256:0',
                createdBy: 'user:default/alice',
                createdAt: '2026-12-07T00:00:00Z',
              }
            : undefined,
      },
      eventTypesPath: '/event-types',
      logger,
    });

    const { documents } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();

    expect(documents).toEqual([
      expect.objectContaining({
        name: 'com.example.broken',
        title: 'com.example.broken',
        text: '',
        fields: [],
      }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Indexed event type com.example.broken without its fields: its latest schema does not parse',
      ),
    );
  });

  it('fails the collation when the registry fails, so the previous index stays', async () => {
    const factory = new EventTypeCollatorFactory({
      reader: {
        listEventTypes: async () => {
          throw new Error('Request failed with 503 Service Unavailable');
        },
        getLatestVersion: async () => undefined,
      },
      eventTypesPath: '/event-types',
      logger: mockServices.logger.mock(),
    });

    const { error } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();

    expect(String(error)).toContain('503');
  });
});
