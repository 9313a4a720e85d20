import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { DatabaseEventTypeStore } from './DatabaseEventTypeStore';
import { NewEventType, NewVersion } from './EventTypeStore';
import { resolve as resolvePath } from 'node:path';

jest.setTimeout(60_000);

const playback: NewEventType = {
  name: 'com.example.playback.started',
  title: 'Playback started',
  description: 'A track started playing',
  owner: 'group:default/playback',
  lifecycle: 'production',
  tags: ['playback'],
  format: 'jsonschema',
  compatibility: 'BACKWARD',
  compatibilityScope: 'ALL',
  retention: { raw: 'P7D', delivered: 'P90D' },
  sla: { maxLateness: 'PT3H' },
  personalDataFields: ['user_id'],
  dataSubject: 'user_id',
  createdBy: 'user:default/alice',
};

const version = (
  n: number,
  fieldPaths: string[] = ['user_id'],
): NewVersion => ({
  schema: `{"v":${n}}`,
  fingerprint: `sha256:${n}`,
  // What listFields gives: the name is the path's last segment.
  fields: fieldPaths.map(path => ({
    path,
    name: path.split('.').pop()!,
    type: 'string',
    required: true,
  })),
  createdBy: 'user:default/alice',
});

describe('DatabaseEventTypeStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'runs its migrations and answers a ping, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await expect(store.ping()).resolves.toBeUndefined();
      for (const table of [
        'event_types',
        'event_type_versions',
        'event_type_fields',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'creates a type with version 1 and refuses the name twice, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const created = await store.createEventType({
        eventType: playback,
        version: version(1),
      });
      expect(created.eventType).toMatchObject({
        ...playback,
        latestVersion: 1,
      });
      expect(created.version).toMatchObject({
        eventType: playback.name,
        version: 1,
        schema: '{"v":1}',
        fingerprint: 'sha256:1',
        createdBy: 'user:default/alice',
      });
      expect(Date.parse(created.eventType.createdAt)).not.toBeNaN();
      await expect(
        store.createEventType({ eventType: playback, version: version(1) }),
      ).rejects.toThrow(ConflictError);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the types registered before name keys existed their key, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = resolvePath(__dirname, '../../migrations');
      // The schema before the name key, with a type in it.
      await knex.migrate.up({
        directory,
        name: '20261123000000_init.js',
      });
      await knex.migrate.up({
        directory,
        name: '20261207000000_data_subject.js',
      });
      const now = new Date();
      await knex('event_types').insert({
        name: 'Com.Example.Old',
        owner: 'group:default/playback',
        lifecycle: 'production',
        tags: '[]',
        format: 'jsonschema',
        compatibility: 'BACKWARD',
        retention_raw: 'P7D',
        retention_delivered: 'P90D',
        sla_max_lateness: 'PT3H',
        personal_data_fields: '[]',
        latest_version: 1,
        created_by: 'user:default/alice',
        created_at: now,
        updated_at: now,
      });
      const store = await DatabaseEventTypeStore.create({
        database: { getClient: async () => knex },
      });
      expect(
        await knex('event_types').where({ name: 'Com.Example.Old' }).first(),
      ).toMatchObject({ name_key: 'com_example_old' });
      await expect(
        store.createEventType({
          eventType: { ...playback, name: 'com.example_old' },
          version: version(1),
        }),
      ).rejects.toThrow(/too close to the existing type 'Com\.Example\.Old'/);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a name that shares a folder or table id with another type, deleted or not, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.createEventType({ eventType: playback, version: version(1) });
      const named = (name: string) => ({
        eventType: { ...playback, name },
        version: version(1),
      });
      // BigQuery table ids turn '.' into '_'.
      await expect(
        store.createEventType(named('com_example_playback_started')),
      ).rejects.toThrow(
        /too close to the existing type 'com\.example\.playback\.started'/,
      );
      // Case-insensitive filesystems fold case.
      await expect(
        store.createEventType(named('Com.Example.Playback.Started')),
      ).rejects.toThrow(ConflictError);
      await store.createEventType(named('com.example.Other'));
      await store.deleteEventType({ name: 'com.example.Other' });
      await expect(
        store.createEventType(named('com.example.other')),
      ).rejects.toThrow(/too close to the existing type 'com\.example\.Other'/);
      await expect(
        store.createEventType(named('com.example.another')),
      ).resolves.toBeDefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'adds versions in order and refuses one based on a stale latest version, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.createEventType({ eventType: playback, version: version(1) });
      const v2 = await store.addVersion({
        name: playback.name,
        afterVersion: 1,
        version: version(2),
      });
      expect(v2.version).toBe(2);
      // A second writer that checked compatibility against version 1 only.
      await expect(
        store.addVersion({
          name: playback.name,
          afterVersion: 1,
          version: version(3),
        }),
      ).rejects.toThrow(ConflictError);
      expect(
        (await store.listVersions(playback.name)).map(v => v.version),
      ).toEqual([1, 2]);
      expect(
        (await store.getVersion({ name: playback.name, version: 'latest' }))
          ?.version,
      ).toBe(2);
      expect(
        await store.getVersion({ name: playback.name, version: 7 }),
      ).toBeUndefined();
      expect(
        (
          await store.findVersionByFingerprint({
            name: playback.name,
            fingerprint: 'sha256:2',
          })
        )?.version,
      ).toBe(2);
      expect((await store.getEventType(playback.name))?.latestVersion).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'filters by owner, format, lifecycle, text and field name, and pages by name, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.createEventType({
        eventType: playback,
        version: version(1, ['user_id', 'track_id']),
      });
      await store.createEventType({
        eventType: {
          ...playback,
          name: 'com.example.search.performed',
          title: '100% search',
          description: 'A user searched',
          owner: 'group:default/search',
          format: 'avro',
          lifecycle: 'experimental',
        },
        version: version(1, ['query']),
      });
      await store.createEventType({
        eventType: {
          ...playback,
          name: 'com.example.checkout.completed',
          title: undefined,
        },
        version: version(1, ['buyer.user_id', 'items[].sku']),
      });

      const names = async (filter: object) =>
        (await store.listEventTypes({ filter, limit: 10 })).items.map(
          t => t.name,
        );
      expect(await names({ owner: 'group:default/search' })).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names({ format: 'avro' })).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names({ lifecycle: 'experimental' })).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names({ text: 'SEARCHED' })).toEqual([
        'com.example.search.performed',
      ]);
      // LIKE wildcards in the text are matched literally.
      expect(await names({ text: '100%' })).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names({ text: '_' })).toEqual([]);
      expect(await names({ field: 'user_id' })).toEqual([
        'com.example.checkout.completed',
        'com.example.playback.started',
      ]);
      expect(await names({ field: 'sku' })).toEqual([
        'com.example.checkout.completed',
      ]);

      const page1 = await store.listEventTypes({ filter: {}, limit: 2 });
      expect(page1.totalItems).toBe(3);
      expect(page1.items.map(t => t.name)).toEqual([
        'com.example.checkout.completed',
        'com.example.playback.started',
      ]);
      const page2 = await store.listEventTypes({
        filter: {},
        limit: 2,
        cursor: page1.nextCursor,
      });
      expect(page2.items.map(t => t.name)).toEqual([
        'com.example.search.performed',
      ]);
      expect(page2.nextCursor).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'stores, keeps, changes and unsets the data subject, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const { dataSubject: _none, ...anonymous } = playback;
      const created = await store.createEventType({
        eventType: { ...anonymous, personalDataFields: [] },
        version: version(1, ['user.id', 'user.email']),
      });
      expect(created.eventType.dataSubject).toBeUndefined();

      const named = await store.updateEventType({
        name: playback.name,
        changes: {
          personalDataFields: ['user.email', 'user.id'],
          dataSubject: 'user.id',
        },
      });
      expect(named).toMatchObject({
        personalDataFields: ['user.email', 'user.id'],
        dataSubject: 'user.id',
      });
      const untouched = await store.updateEventType({
        name: playback.name,
        changes: { lifecycle: 'deprecated' },
      });
      expect(untouched.dataSubject).toBe('user.id');

      const unset = await store.updateEventType({
        name: playback.name,
        changes: { personalDataFields: [], dataSubject: null },
      });
      expect(unset.dataSubject).toBeUndefined();
      expect(unset.personalDataFields).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'updates metadata, deprecates, and soft-deletes keeping the name taken, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.createEventType({ eventType: playback, version: version(1) });
      const deprecation = {
        reason: 'Replaced',
        successor: 'com.example.playback.v2',
        deprecatedAt: '2026-11-23T10:00:00.000Z',
        deprecatedBy: 'user:default/alice',
      };
      const updated = await store.updateEventType({
        name: playback.name,
        changes: {
          title: null,
          tags: ['a', 'b'],
          sla: { maxLateness: 'PT1H' },
          deprecation,
        },
      });
      expect(updated.title).toBeUndefined();
      expect(updated.tags).toEqual(['a', 'b']);
      expect(updated.sla).toEqual({ maxLateness: 'PT1H' });
      expect(updated.deprecation).toEqual(deprecation);

      const v1 = await store.setVersionDeprecation({
        name: playback.name,
        version: 1,
        deprecation,
      });
      expect(v1.deprecation).toEqual(deprecation);

      await store.deleteEventType({ name: playback.name });
      expect(await store.getEventType(playback.name)).toBeUndefined();
      expect(await store.getDeletedAt(playback.name)).toBeInstanceOf(Date);
      expect(
        (await store.listEventTypes({ filter: {}, limit: 10 })).totalItems,
      ).toBe(0);
      await expect(
        store.deleteEventType({ name: playback.name }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.createEventType({ eventType: playback, version: version(1) }),
      ).rejects.toThrow(ConflictError);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the compatibility scope and how a version was accepted, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const created = await store.createEventType({
        eventType: { ...playback, compatibilityScope: 'CONSUMERS' },
        version: version(1),
      });
      expect(created.eventType.compatibilityScope).toBe('CONSUMERS');
      expect(created.version.consumerCheck).toBeUndefined();

      const consumerCheck = {
        problems: [
          {
            field: 'country',
            rule: 'required',
            message: "/required: property 'country' became required",
          },
        ],
        consumers: [
          {
            entityRef: 'component:default/listening-stats',
            fieldsRead: ['track_id'],
          },
          { entityRef: 'component:default/archive-sink' },
        ],
      };
      const v2 = await store.addVersion({
        name: playback.name,
        afterVersion: 1,
        version: { ...version(2), consumerCheck },
      });
      expect(v2.consumerCheck).toEqual(consumerCheck);
      expect(
        await store.getVersion({ name: playback.name, version: 2 }),
      ).toMatchObject({ version: 2, consumerCheck });
      expect(
        (await store.listVersions(playback.name)).map(v => v.consumerCheck),
      ).toEqual([undefined, consumerCheck]);

      const updated = await store.updateEventType({
        name: playback.name,
        changes: { compatibilityScope: 'ALL' },
      });
      expect(updated.compatibilityScope).toBe('ALL');
      expect(
        (await store.getEventType(playback.name))?.compatibilityScope,
      ).toBe('ALL');
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the types registered before scopes existed the ALL scope, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = resolvePath(__dirname, '../../migrations');
      for (const name of [
        '20261123000000_init.js',
        '20261207000000_data_subject.js',
        '20261207100000_name_key.js',
      ]) {
        await knex.migrate.up({ directory, name });
      }
      const now = new Date();
      await knex('event_types').insert({
        name: 'com.example.old',
        name_key: 'com_example_old',
        owner: 'group:default/playback',
        lifecycle: 'production',
        tags: '[]',
        format: 'jsonschema',
        compatibility: 'BACKWARD',
        retention_raw: 'P7D',
        retention_delivered: 'P90D',
        sla_max_lateness: 'PT3H',
        personal_data_fields: '[]',
        latest_version: 1,
        created_by: 'user:default/alice',
        created_at: now,
        updated_at: now,
      });
      await knex('event_type_versions').insert({
        event_type: 'com.example.old',
        version: 1,
        schema: '{}',
        fingerprint: 'sha256:old',
        created_by: 'user:default/alice',
        created_at: now,
      });
      const store = await DatabaseEventTypeStore.create({
        database: { getClient: async () => knex },
      });
      expect(
        (await store.getEventType('com.example.old'))?.compatibilityScope,
      ).toBe('ALL');
      expect(
        await store.getVersion({ name: 'com.example.old', version: 1 }),
      ).not.toHaveProperty('consumerCheck');
    },
  );
});
