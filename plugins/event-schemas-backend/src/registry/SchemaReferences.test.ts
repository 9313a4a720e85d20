import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { registryRefOf } from '@data-collection/plugin-event-schemas-common';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { DatabaseSchemaReferenceStore } from '../database/DatabaseSchemaReferenceStore';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { IncompatibleSchemaError, SchemaRegistry } from './SchemaRegistry';

jest.setTimeout(180_000);

const BASE = 'http://localhost:7007/api/event-schemas';
const ref = (eventType: string, version: number, fragment?: string) =>
  registryRefOf({ baseUrl: BASE, eventType, version, fragment });

const track = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { track_id: { type: 'string', minLength: 3 }, ...extra },
  required: ['track_id'],
  additionalProperties: false,
});

describe('references between registered schemas', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  async function createRegistry(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    const references = new DatabaseSchemaReferenceStore(knex);
    const registry = new SchemaRegistry({
      store,
      config: DEFAULT_REGISTRY_CONFIG,
      references,
      baseUrl: BASE,
    });
    const create = (
      name: string,
      schema: unknown,
      compatibility: 'BACKWARD' | 'NONE' = 'BACKWARD',
    ) =>
      registry.createEventType({
        request: {
          name,
          owner: 'group:default/playback',
          format: 'jsonschema',
          compatibility,
          schema: JSON.stringify(schema),
        } as any,
        createdBy: 'user:default/alice',
      });
    const register = (name: string, schema: unknown) =>
      registry.registerVersion({
        name,
        schema: JSON.stringify(schema),
        createdBy: 'user:default/alice',
      });
    return { knex, registry, references, create, register };
  }

  it.each(databases.eachSupportedId())(
    'resolves references from the store, records them and validates with them, %p',
    async databaseId => {
      const { registry, references, create } = await createRegistry(databaseId);
      await create('track', track());
      const { version } = await create('playlist', {
        type: 'object',
        properties: {
          first: { $ref: ref('track', 1) },
          first_id: {
            $ref: '/api/event-schemas/event-types/track/versions/1#/properties/track_id',
          },
        },
        required: ['first'],
      });
      // Kept as written; the fields come from the resolved schema.
      expect(version.schema).toContain(ref('track', 1));
      await expect(
        references.listReferences({ eventType: 'playlist', version: 1 }),
      ).resolves.toEqual([{ eventType: 'track', version: 1 }]);

      await expect(
        registry.validate({
          type: 'playlist',
          data: { first: { track_id: 'abcd' } },
        }),
      ).resolves.toMatchObject({ valid: true });
      const invalid = await registry.validate({
        type: 'playlist',
        data: { first: { track_id: 'a' }, first_id: 'b' },
      });
      expect(invalid.valid).toBe(false);
      expect(invalid.errors).toEqual([
        '/first/track_id must NOT have fewer than 3 characters',
        '/first_id must NOT have fewer than 3 characters',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses references to unknown versions, other URLs and cycles with a 400, %p',
    async databaseId => {
      const { create } = await createRegistry(databaseId);
      await create('track', track());
      await expect(create('a', { $ref: ref('track', 2) })).rejects.toThrow(
        new InputError(
          `Invalid schema: '${ref(
            'track',
            2,
          )}' names version 2 of event type 'track', which is not registered`,
        ),
      );
      await expect(
        create('b', {
          $ref: 'https://elsewhere.example/api/event-schemas/event-types/track/versions/1',
        }),
      ).rejects.toThrow(/points outside this schema/);
      await expect(create('c', { $ref: ref('c', 1) })).rejects.toThrow(
        InputError,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'judges a moved reference by the referenced content, through a two-level chain, %p',
    async databaseId => {
      const { registry, create, register } = await createRegistry(databaseId);
      // playlist -> album -> track, each pinned to a version.
      await create('track', track(), 'NONE');
      await create(
        'album',
        { type: 'object', properties: { first: { $ref: ref('track', 1) } } },
        'NONE',
      );
      await create('playlist', {
        type: 'object',
        properties: { album: { $ref: ref('album', 1) } },
      });

      // A new version of a referenced type cannot break its referrers: they
      // keep the version they pin.
      await register('track', track({ genre: { type: 'string' } }));
      await register('track', {
        ...track({ genre: { type: 'string' } }),
        required: ['track_id', 'genre'],
      });
      await expect(
        registry.validate({
          type: 'playlist',
          data: { album: { first: { track_id: 'abcd' } } },
        }),
      ).resolves.toMatchObject({ valid: true });

      // album (mode NONE) moves to track v3, which requires a genre.
      await register('album', {
        type: 'object',
        properties: { first: { $ref: ref('track', 3) } },
      });
      // playlist (BACKWARD) moving to album v2 is judged with track v3's
      // content, two references away: data written with v1 lacks genre.
      const candidate = {
        type: 'object',
        properties: { album: { $ref: ref('album', 2) } },
      };
      const result = await registry.checkCompatibility({
        name: 'playlist',
        schema: JSON.stringify(candidate),
      });
      expect(result.compatible).toBe(false);
      expect(result.messages.join('\n')).toContain('genre');
      expect(result.messages).toContain(
        "the candidate references 'album' version 2 where version 1 references version 1: it is judged with the content of the versions it references, so these problems may come from 'album'",
      );
      await expect(register('playlist', candidate)).rejects.toThrow(
        IncompatibleSchemaError,
      );

      // Moving to album v1's equal, track v2 (genre optional), is fine.
      await register('album', {
        type: 'object',
        properties: { first: { $ref: ref('track', 2) } },
      });
      await expect(
        register('playlist', {
          type: 'object',
          properties: { album: { $ref: ref('album', 3) } },
        }),
      ).resolves.toMatchObject({ created: true, version: { version: 2 } });
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses to delete a referenced type with a 409 naming who references it, %p',
    async databaseId => {
      const { registry, create, register } = await createRegistry(databaseId);
      await create('track', track());
      await register('track', track({ genre: { type: 'string' } }));
      await create('album', { $ref: ref('track', 1) });
      await create('playlist', {
        type: 'object',
        properties: { a: { $ref: ref('track', 2) } },
      });
      const refusal = registry.deleteEventType('track');
      await expect(refusal).rejects.toThrow(ConflictError);
      await expect(refusal).rejects.toThrow(
        "Event type 'track' is referenced by 'album' (version 1 -> 1), 'playlist' (version 1 -> 2)",
      );

      // Once the referrers are gone, it can go.
      await registry.deleteEventType('album');
      await registry.deleteEventType('playlist');
      await expect(registry.deleteEventType('track')).resolves.toBeUndefined();
    },
  );
});
