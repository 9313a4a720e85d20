import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { EventTypeFileSync, SYNC_PRINCIPAL } from './EventTypeFileSync';
import { FakeUrlReader } from './__testUtils__/FakeUrlReader';

jest.setTimeout(60_000);

const DIRECTORY = 'https://github.com/acme/playback/tree/main/event-types';

const repository: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'playback-service',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/playback/blob/main/catalog-info.yaml',
      'event-schemas/event-types': 'dir:./event-types',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'playback' },
};
const REPOSITORY_REF = 'component:default/playback-service';

const schemaV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['track_id'],
  properties: { track_id: { type: 'string' } },
};

function fileText(options: {
  schema?: unknown;
  owner?: string;
  title?: string;
}): string {
  return [
    'name: com.example.played',
    `title: ${options.title ?? 'Played'}`,
    `owner: ${options.owner ?? 'group:default/playback'}`,
    'format: jsonschema',
    `schema: ${JSON.stringify(options.schema ?? schemaV1)}`,
    '',
  ].join('\n');
}

describe('EventTypeFileSync', () => {
  const databases = TestDatabases.create();

  async function setup(databaseId: TestDatabaseId, entities = [repository]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    const fileStore = store.fileStore();
    const registry = new SchemaRegistry({
      store,
      fileStore,
      config: DEFAULT_REGISTRY_CONFIG,
    });
    const reader = new FakeUrlReader();
    const notifyRefusal = jest.fn(async () => {});
    const notifyFileRefusal = jest.fn(async () => {});
    const auditor = mockServices.auditor.mock();
    const auditEvent = { success: jest.fn(), fail: jest.fn() };
    auditor.createEvent.mockResolvedValue(auditEvent);
    const sync = new EventTypeFileSync({
      registry,
      fileStore,
      config: DEFAULT_REGISTRY_CONFIG,
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      urlReader: reader,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      auditor,
      logger: mockServices.logger.mock(),
      notifyRefusal,
      notifyFileRefusal,
      announce: async () => {},
    });
    return {
      registry,
      fileStore,
      reader,
      sync,
      notifyRefusal,
      notifyFileRefusal,
      auditor,
    };
  }

  it.each(databases.eachSupportedId())(
    'registers a new type from its file and records where it is managed, %p',
    async databaseId => {
      const { registry, reader, sync } = await setup(databaseId);
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({}),
        'README.md': 'not an event type file',
      });

      const [report] = await sync.syncAll();
      expect(report).toMatchObject({
        entityRef: REPOSITORY_REF,
        location: DIRECTORY,
        status: 'synced',
        files: [
          {
            path: 'played.yaml',
            eventType: 'com.example.played',
            outcome: 'created',
          },
        ],
      });
      const type = await registry.getEventType('com.example.played');
      expect(type).toMatchObject({
        owner: 'group:default/playback',
        title: 'Played',
        latestVersion: 1,
        createdBy: SYNC_PRINCIPAL,
        managedBy: {
          entityRef: REPOSITORY_REF,
          location: `${DIRECTORY}/played.yaml`,
          path: 'played.yaml',
        },
        lastSync: { status: 'applied', reasons: [] },
      });

      // Unchanged tree: one conditional read, nothing applied.
      const [again] = await sync.syncAll();
      expect(again.status).toBe('unchanged');
      expect(reader.reads).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'registers a changed schema as a new version, not a reformatted one, and applies metadata, %p',
    async databaseId => {
      const { registry, reader, sync } = await setup(databaseId);
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();

      // The same schema, its keys reordered and laid out differently.
      const reordered = {
        properties: { track_id: { type: 'string' } },
        required: ['track_id'],
        additionalProperties: false,
        type: 'object',
      };
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({ schema: reordered, title: 'Track played' }),
      });
      const [reformatted] = await sync.syncAll();
      expect(reformatted.files[0].outcome).toBe('updated');
      let type = await registry.getEventType('com.example.played');
      expect(type.latestVersion).toBe(1);
      expect(type.title).toBe('Track played');

      const v2 = {
        ...schemaV1,
        properties: {
          ...schemaV1.properties,
          position_ms: { type: 'integer' },
        },
      };
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({ schema: v2, title: 'Track played' }),
      });
      await sync.syncAll();
      type = await registry.getEventType('com.example.played');
      expect(type.latestVersion).toBe(2);
      const version = await registry.getVersion({
        name: 'com.example.played',
        version: 2,
      });
      expect(version.createdBy).toBe(SYNC_PRINCIPAL);
    },
  );

  it.each(databases.eachSupportedId())(
    'deprecates and reactivates a type as its file says, without moving the sunset on every run, %p',
    async databaseId => {
      const { registry, reader, sync } = await setup(databaseId);
      const day = new Date(Date.now() + 90 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const deprecated = (sunsetAt: string) =>
        `${fileText(
          {},
        )}deprecation:\n  reason: Replaced\n  successor: com.example.listened\n  sunsetAt: ${sunsetAt}\n`;
      // Deprecated from its first sync on.
      reader.trees.set(DIRECTORY, {
        'played.yaml': deprecated(`${day}T00:00:00Z`),
      });
      const [first] = await sync.syncAll();
      expect(first.files[0]).toMatchObject({ outcome: 'created' });
      let type = await registry.getEventType('com.example.played');
      expect(type.state).toBe('deprecated');
      expect(type.deprecation).toMatchObject({
        reason: 'Replaced',
        successor: 'com.example.listened',
      });
      const sunsetAt = type.deprecation!.sunsetAt!;
      expect(Date.parse(sunsetAt)).toBe(Date.parse(`${day}T00:00:00Z`));

      // The same instant written another way changes nothing.
      reader.trees.set(DIRECTORY, {
        'played.yaml': deprecated(new Date(Date.parse(sunsetAt)).toISOString()),
      });
      const [again] = await sync.syncAll();
      expect(again.files[0].outcome).toBe('unchanged');

      // Removing it from the file makes the type active again.
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      const [reactivated] = await sync.syncAll();
      expect(reactivated.files[0].outcome).toBe('updated');
      type = await registry.getEventType('com.example.played');
      expect(type.state).toBe('active');
      expect(type.deprecation).toBeUndefined();

      // A sunset in the past is the lifecycle's refusal, recorded on the type.
      reader.trees.set(DIRECTORY, {
        'played.yaml': deprecated('2020-01-01T00:00:00Z'),
      });
      const [refused] = await sync.syncAll();
      expect(refused.files[0].outcome).toBe('refused');
      type = await registry.getEventType('com.example.played');
      expect(type.state).toBe('active');
      expect(type.lastSync?.status).toBe('refused');
      expect(type.lastSync?.reasons.join(' ')).toMatch(/sunset/i);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a breaking change, stores why and tells the owners once per change, %p',
    async databaseId => {
      const { registry, reader, sync, notifyRefusal, notifyFileRefusal } =
        await setup(databaseId);
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();

      // Removing a required field is not BACKWARD compatible.
      const breaking = {
        ...schemaV1,
        required: ['artist_id'],
        properties: { artist_id: { type: 'string' } },
      };
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({ schema: breaking }),
      });
      const [report] = await sync.syncAll();
      expect(report.files[0]).toMatchObject({
        outcome: 'refused',
        eventType: 'com.example.played',
      });
      expect(report.files[0].reasons!.length).toBeGreaterThan(0);
      const type = await registry.getEventType('com.example.played');
      expect(type.latestVersion).toBe(1);
      expect(type.lastSync).toMatchObject({
        status: 'refused',
        location: `${DIRECTORY}/played.yaml`,
        reasons: report.files[0].reasons,
      });
      expect(type.lastSync).not.toHaveProperty('refusedChangeKey');
      expect(notifyRefusal).toHaveBeenCalledTimes(1);
      expect(notifyRefusal).toHaveBeenCalledWith(
        expect.objectContaining({
          reasons: report.files[0].reasons,
          managedBy: expect.objectContaining({ path: 'played.yaml' }),
        }),
      );

      // Told to the type's owners, not a second time to the source's.
      expect(notifyFileRefusal).not.toHaveBeenCalled();

      // The same refused change again: no second notification.
      await sync.syncEntityRef(REPOSITORY_REF);
      expect(notifyRefusal).toHaveBeenCalledTimes(1);

      // Another refused change: its owners hear of it.
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({ schema: breaking, title: 'Other' }),
      });
      await sync.syncAll();
      expect(notifyRefusal).toHaveBeenCalledTimes(2);

      // Fixed: applied again.
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();
      expect(
        (await registry.getEventType('com.example.played')).lastSync,
      ).toMatchObject({ status: 'applied', reasons: [] });
    },
  );

  it.each(databases.eachSupportedId())(
    'manages only types its entity owner owns, %p',
    async databaseId => {
      const { registry, reader, sync, fileStore } = await setup(databaseId);
      // A file for another group's type.
      reader.trees.set(DIRECTORY, {
        'played.yaml': fileText({ owner: 'group:default/insights' }),
      });
      const [report] = await sync.syncAll();
      expect(report.files[0].outcome).toBe('refused');
      expect(report.files[0].reasons![0]).toContain(
        'a repository manages only its owner',
      );
      expect(await registry.hasEventType('com.example.played')).toBe(false);

      // A type registered through the API by another group is not taken.
      await registry.createEventType({
        request: {
          name: 'com.example.played',
          owner: 'group:default/insights',
          format: 'jsonschema',
          schema: JSON.stringify(schemaV1),
        },
        createdBy: 'user:default/ines',
      });
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      const [refused] = await sync.syncAll();
      expect(refused.files[0].reasons![0]).toContain(
        'is registered for group:default/insights',
      );
      expect(
        await fileStore.getManagedBy('com.example.played'),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes over a type its owners registered through the API, audited, %p',
    async databaseId => {
      const { registry, reader, sync, auditor } = await setup(databaseId);
      await registry.createEventType({
        request: {
          name: 'com.example.played',
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema: JSON.stringify(schemaV1),
        },
        createdBy: 'user:default/alice',
      });
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();
      const type = await registry.getEventType('com.example.played');
      expect(type.managedBy?.entityRef).toBe(REPOSITORY_REF);
      expect(type.latestVersion).toBe(1);
      expect(type.title).toBe('Played');
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'event-type-managed',
          meta: expect.objectContaining({ eventType: 'com.example.played' }),
        }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses API changes to a managed type, and releases it when its file goes, %p',
    async databaseId => {
      const { registry, reader, sync } = await setup(databaseId);
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();

      const managed = `com.example.played is managed in ${DIRECTORY}/played.yaml (declared by ${REPOSITORY_REF}): change the file and merge it`;
      const name = 'com.example.played';
      const v2 = JSON.stringify({
        ...schemaV1,
        properties: { ...schemaV1.properties, n: { type: 'integer' } },
      });
      await expect(
        registry.updateEventType({
          name,
          request: { title: 'x' },
          updatedBy: 'user:default/alice',
        }),
      ).rejects.toThrow(new ConflictError(managed));
      await expect(
        registry.registerVersion({
          name,
          schema: v2,
          createdBy: 'user:default/alice',
        }),
      ).rejects.toThrow(managed);
      await expect(
        registry.setVersionDeprecation({
          name,
          version: 1,
          deprecation: { reason: 'old' },
          updatedBy: 'user:default/alice',
        }),
      ).rejects.toThrow(managed);
      await expect(registry.deleteEventType(name)).rejects.toThrow(managed);
      await expect(
        registry.updateEventType({
          name,
          request: { deprecation: { reason: 'old' } },
          updatedBy: 'user:default/alice',
        }),
      ).rejects.toBeInstanceOf(ConflictError);

      // The file is removed: the type is released to the API.
      reader.trees.set(DIRECTORY, {});
      const [report] = await sync.syncAll();
      expect(report.released).toEqual([name]);
      const released = await registry.getEventType(name);
      expect(released.managedBy).toBeUndefined();
      await expect(
        registry.registerVersion({
          name,
          schema: v2,
          createdBy: 'user:default/alice',
        }),
      ).resolves.toMatchObject({ created: true });
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a schemaFile beside its file, and reports invalid files, %p',
    async databaseId => {
      const { registry, reader, sync } = await setup(databaseId);
      reader.trees.set(DIRECTORY, {
        'played.yaml': [
          'name: com.example.played',
          'owner: group:default/playback',
          'format: jsonschema',
          'schemaFile: schemas/played.schema.json',
          '',
        ].join('\n'),
        'schemas/played.schema.json': JSON.stringify(schemaV1, null, 2),
        'broken.yaml': 'name: com.example.broken\nowner: playback\n',
      });
      const [report] = await sync.syncAll();
      expect(report.files.map(f => [f.path, f.outcome])).toEqual([
        ['broken.yaml', 'refused'],
        ['played.yaml', 'created'],
      ]);
      expect(report.files[0].reasons!.join(' ')).toContain(
        "must have 'format'",
      );
      const version = await registry.getVersion({
        name: 'com.example.played',
        version: 1,
      });
      expect(JSON.parse(version.schema)).toEqual(schemaV1);
    },
  );

  it.each(databases.eachSupportedId())(
    'releases the types of an entity that no longer declares files, %p',
    async databaseId => {
      const { registry, fileStore, reader, sync } = await setup(databaseId);
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();
      expect(
        (await registry.getEventType('com.example.played')).managedBy,
      ).toBeDefined();

      // The annotation is gone from the catalog.
      const auditor = mockServices.auditor.mock();
      auditor.createEvent.mockResolvedValue({
        success: jest.fn(),
        fail: jest.fn(),
      });
      const later = new EventTypeFileSync({
        registry,
        fileStore,
        config: DEFAULT_REGISTRY_CONFIG,
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
        urlReader: reader,
        integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
        auditor,
        logger: mockServices.logger.mock(),
        notifyRefusal: jest.fn(),
        notifyFileRefusal: jest.fn(),
        announce: async () => {},
      });
      expect(await fileStore.listSources()).toHaveLength(1);
      expect(await later.syncAll()).toEqual([]);
      expect(await fileStore.listSources()).toEqual([]);
      expect(
        (await registry.getEventType('com.example.played')).managedBy,
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'records every file of a source and tells its owners once about each refusal of an unmanaged file, %p',
    async databaseId => {
      const { reader, sync, fileStore, notifyFileRefusal } = await setup(
        databaseId,
      );
      reader.trees.set(DIRECTORY, {
        'broken.yaml': 'name: com.example.broken\nowner: playback\n',
        'other.yaml': fileText({ owner: 'group:default/insights' }).replace(
          'com.example.played',
          'com.example.other',
        ),
        'played.yaml': fileText({}),
      });
      await sync.syncAll();

      const [source] = await fileStore.listSources();
      expect(source).toMatchObject({
        entityRef: REPOSITORY_REF,
        location: DIRECTORY,
        status: 'synced',
      });
      expect(Date.parse(source.lastSyncAt!)).toBeGreaterThan(
        Date.now() - 60_000,
      );
      expect(source.files).toEqual([
        {
          path: 'broken.yaml',
          outcome: 'refused',
          reasons: expect.arrayContaining(["must have 'format'"]),
        },
        {
          path: 'other.yaml',
          eventType: 'com.example.other',
          outcome: 'refused',
          reasons: [
            expect.stringContaining('a repository manages only its owner'),
          ],
        },
        {
          path: 'played.yaml',
          eventType: 'com.example.played',
          outcome: 'created',
        },
      ]);
      expect(notifyFileRefusal).toHaveBeenCalledTimes(2);
      expect(notifyFileRefusal).toHaveBeenCalledWith({
        entityRef: REPOSITORY_REF,
        path: 'other.yaml',
        location: `${DIRECTORY}/other.yaml`,
        reasons: source.files[1].reasons,
      });

      // Read again, the same refusals: nobody is told twice.
      await sync.syncEntityRef(REPOSITORY_REF);
      expect(notifyFileRefusal).toHaveBeenCalledTimes(2);
      // Unchanged tree: the files of the latest read stay listed.
      await sync.syncAll();
      const [unchanged] = await fileStore.listSources();
      expect(unchanged.status).toBe('unchanged');
      expect(unchanged.files).toHaveLength(3);

      // A new reason for broken.yaml is a new refusal; other.yaml fixed.
      reader.trees.set(DIRECTORY, {
        'broken.yaml': 'name: com.example.broken\nformat: jsonschema\n',
        'played.yaml': fileText({}),
      });
      await sync.syncAll();
      expect(notifyFileRefusal).toHaveBeenCalledTimes(3);
      expect(notifyFileRefusal).toHaveBeenLastCalledWith(
        expect.objectContaining({ path: 'broken.yaml' }),
      );
      const [fixed] = await fileStore.listSources();
      expect(fixed.files.map(f => [f.path, f.outcome])).toEqual([
        ['broken.yaml', 'refused'],
        ['played.yaml', 'unchanged'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a name another source manages and tells that source, %p',
    async databaseId => {
      const other: Entity = {
        ...repository,
        metadata: {
          ...repository.metadata,
          name: 'playback-copy',
          annotations: {
            ...repository.metadata.annotations,
            'event-schemas/event-types': 'dir:./copy',
          },
        },
      };
      const { reader, sync, fileStore, notifyFileRefusal } = await setup(
        databaseId,
        [repository, other],
      );
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      reader.trees.set('https://github.com/acme/playback/tree/main/copy', {
        'played.yaml': fileText({}),
      });
      await sync.syncAll();
      const sources = await fileStore.listSources();
      expect(sources.map(s => [s.entityRef, s.files[0].outcome])).toEqual([
        ['component:default/playback-copy', 'refused'],
        [REPOSITORY_REF, 'created'],
      ]);
      expect(notifyFileRefusal).toHaveBeenCalledTimes(1);
      expect(notifyFileRefusal).toHaveBeenCalledWith(
        expect.objectContaining({
          entityRef: 'component:default/playback-copy',
          reasons: [expect.stringContaining('is already managed in')],
        }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'records a source that cannot be read as failed, keeping its files, %p',
    async databaseId => {
      const { reader, sync, fileStore } = await setup(databaseId);
      reader.trees.set(DIRECTORY, { 'played.yaml': fileText({}) });
      await sync.syncAll();
      reader.trees.delete(DIRECTORY);
      await sync.syncAll();
      const [source] = await fileStore.listSources();
      expect(source).toMatchObject({
        status: 'failed',
        error: `no tree at ${DIRECTORY}`,
        files: [{ path: 'played.yaml', outcome: 'created' }],
      });
    },
  );
});
