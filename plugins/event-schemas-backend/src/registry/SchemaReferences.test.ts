import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CompatibilityMode,
  registryRefOf,
} from '@data-collection/plugin-event-schemas-common';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { DatabaseSchemaReferenceStore } from '../database/DatabaseSchemaReferenceStore';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import {
  IncompatibleSchemaError,
  MAX_REFERRERS_JUDGED,
  SchemaRegistry,
} from './SchemaRegistry';

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
      compatibility: CompatibilityMode = 'BACKWARD',
      format: 'jsonschema' | 'avro' = 'jsonschema',
    ) =>
      registry.createEventType({
        request: {
          name,
          owner: 'group:default/playback',
          format,
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

  describe('in Avro', () => {
    const avroTrack = (extra: unknown[] = []) => ({
      type: 'record',
      name: 'Track',
      namespace: 'com.example.music',
      fields: [{ name: 'track_id', type: 'string' }, ...extra],
    });
    const playlist = (trackVersion: number) => ({
      type: 'record',
      name: 'Playlist',
      namespace: 'com.example.playlists',
      fields: [
        { name: 'first', type: ref('track', trackVersion) },
        {
          name: 'rest',
          type: {
            type: 'array',
            items: `/api/event-schemas/event-types/track/versions/${trackVersion}`,
          },
        },
      ],
    });

    it.each(databases.eachSupportedId())(
      'resolves references from the store, records them and validates with them, %p',
      async databaseId => {
        const { registry, references, create, register } = await createRegistry(
          databaseId,
        );
        await create('track', avroTrack(), 'BACKWARD', 'avro');
        const { version } = await create(
          'playlist',
          playlist(1),
          'BACKWARD',
          'avro',
        );
        expect(version.schema).toContain(ref('track', 1));
        await expect(
          references.listReferences({ eventType: 'playlist', version: 1 }),
        ).resolves.toEqual([{ eventType: 'track', version: 1 }]);
        // The field index holds the fields the reference brings in.
        const withTrackId = await registry.listEventTypes({
          filter: { field: 'track_id' },
          limit: 10,
        });
        expect(withTrackId.items.map(t => t.name).sort()).toEqual([
          'playlist',
          'track',
        ]);

        await expect(
          registry.validate({
            type: 'playlist',
            data: { first: { track_id: 'a' }, rest: [{ track_id: 'b' }] },
          }),
        ).resolves.toMatchObject({ valid: true });
        const invalid = await registry.validate({
          type: 'playlist',
          data: { first: { track_id: 'a' }, rest: [{ track_id: 2 }] },
        });
        expect(invalid.valid).toBe(false);
        expect(invalid.errors.join('\n')).toContain('/rest/0/track_id');

        // Registering the same text again is recognized, references and all.
        await expect(register('playlist', playlist(1))).resolves.toMatchObject({
          created: false,
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'refuses unknown versions, other formats, unnamed types and name clashes with a 400, %p',
      async databaseId => {
        const { create } = await createRegistry(databaseId);
        await create('track', avroTrack(), 'BACKWARD', 'avro');
        await create('json-track', track());
        await create('id', 'string', 'BACKWARD', 'avro');
        const refusal = (name: string, schema: unknown) =>
          create(name, schema, 'BACKWARD', 'avro').catch(e => e);

        const unknown = await refusal('a', playlist(2));
        expect(unknown).toBeInstanceOf(InputError);
        expect(unknown.message).toBe(
          `Invalid schema: '${ref(
            'track',
            2,
          )}' names version 2 of event type 'track', which is not registered`,
        );
        expect(
          (
            await refusal('b', {
              type: 'record',
              name: 'B',
              fields: [{ name: 't', type: ref('json-track', 1) }],
            })
          ).message,
        ).toContain(
          'names a JSON Schema; an Avro schema can reference Avro schemas only',
        );
        expect(
          (await create('c', { $ref: ref('track', 1) }).catch(e => e)).message,
        ).toContain(
          'names an Avro schema; a JSON Schema can reference JSON Schemas only',
        );
        expect(
          (
            await refusal('d', {
              type: 'record',
              name: 'D',
              fields: [{ name: 'i', type: ref('id', 1) }],
            })
          ).message,
        ).toContain('an Avro schema can reference named types only');
        const clash = await refusal('e', {
          type: 'record',
          name: 'com.example.music.Track',
          fields: [{ name: 'inner', type: ref('track', 1) }],
        });
        expect(clash).toBeInstanceOf(InputError);
        expect(clash.message).toContain(
          "'com.example.music.Track' is defined by both this schema and version track@1",
        );
        const elsewhere = await refusal('f', {
          type: 'record',
          name: 'F',
          fields: [
            {
              name: 't',
              type: 'https://elsewhere.example/api/event-schemas/event-types/track/versions/1',
            },
          ],
        });
        expect(elsewhere).toBeInstanceOf(InputError);
        expect(elsewhere.message).toContain('is not a type name');
      },
    );

    it.each(databases.eachSupportedId())(
      'refuses to delete a type an Avro schema references with a 409, %p',
      async databaseId => {
        const { registry, create } = await createRegistry(databaseId);
        await create('track', avroTrack(), 'BACKWARD', 'avro');
        await create('playlist', playlist(1), 'BACKWARD', 'avro');
        const refusal = registry.deleteEventType('track');
        await expect(refusal).rejects.toThrow(ConflictError);
        await expect(refusal).rejects.toThrow(
          "Event type 'track' is referenced by 'playlist' (version 1 -> 1)",
        );
        await registry.deleteEventType('playlist');
        await expect(
          registry.deleteEventType('track'),
        ).resolves.toBeUndefined();
      },
    );

    it.each(databases.eachSupportedId())(
      'judges a moved reference by the referenced content, %p',
      async databaseId => {
        const { registry, create, register } = await createRegistry(databaseId);
        await create('track', avroTrack(), 'NONE', 'avro');
        await create('playlist', playlist(1), 'BACKWARD', 'avro');
        // track v2 adds a field without a default: a reader of v2 cannot
        // read what v1 wrote.
        await register('track', avroTrack([{ name: 'genre', type: 'string' }]));
        const result = await registry.checkCompatibility({
          name: 'playlist',
          schema: JSON.stringify(playlist(2)),
        });
        expect(result.compatible).toBe(false);
        expect(result.messages.join('\n')).toContain('genre');
        expect(result.messages).toContain(
          "the candidate references 'track' version 2 where version 1 references version 1: it is judged with the content of the versions it references, so these problems may come from 'track'",
        );
        await expect(register('playlist', playlist(2))).rejects.toThrow(
          IncompatibleSchemaError,
        );

        // With a default, v1's data reads as v3: the move is accepted.
        await register(
          'track',
          avroTrack([{ name: 'genre', type: 'string', default: 'pop' }]),
        );
        await expect(register('playlist', playlist(3))).resolves.toMatchObject({
          created: true,
          version: { version: 2 },
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'holds the schema and each version to the depth limit, not the copy that nests them, %p',
      async databaseId => {
        const { create } = await createRegistry(databaseId);
        // Each level of records nests JSON three levels deep.
        const nested = (
          name: string,
          levels: number,
          inner: unknown,
        ): unknown =>
          levels === 0
            ? inner
            : {
                type: 'record',
                name: `${name}${levels}`,
                fields: [{ name: 'x', type: nested(name, levels - 1, inner) }],
              };
        const levels = Math.floor(
          (DEFAULT_REGISTRY_CONFIG.limits.maxSchemaDepth - 2) / 3,
        );
        await create('deep', nested('D', levels, 'string'), 'NONE', 'avro');
        await expect(
          create('deeper', nested('E', levels, ref('deep', 1)), 'NONE', 'avro'),
        ).resolves.toMatchObject({ version: { version: 1 } });
        const tooDeep = await create(
          'too-deep',
          nested('F', levels + 1, ref('deep', 1)),
          'NONE',
          'avro',
        ).catch(e => e);
        expect(tooDeep).toBeInstanceOf(InputError);
        expect(tooDeep.message).toContain(
          `more than ${DEFAULT_REGISTRY_CONFIG.limits.maxSchemaDepth} levels deep`,
        );
      },
    );
  });

  describe('the referrers of a draft', () => {
    const withTrack = (version: number) => ({
      type: 'object',
      properties: { first: { $ref: ref('track', version) } },
      required: ['first'],
    });
    const genreRequired = {
      ...track({ genre: { type: 'string' } }),
      required: ['track_id', 'genre'],
    };

    it.each(databases.eachSupportedId())(
      'judges each referrer under its own mode, breaking one while the referenced type is NONE, %p',
      async databaseId => {
        const { registry, create } = await createRegistry(databaseId);
        await create('track', track(), 'NONE');
        await create('playlist', withTrack(1), 'BACKWARD');
        await create('radio', withTrack(1), 'FORWARD');

        // Words only: every event keeps its verdict either way.
        const described = JSON.stringify({
          ...track(),
          description: 'A track',
        });
        await expect(
          registry.checkReferrers({ name: 'track', schema: described }),
        ).resolves.toEqual({
          items: [
            {
              eventType: 'playlist',
              version: 1,
              depth: 1,
              path: ['playlist', 'track'],
              compatible: true,
              mode: 'BACKWARD',
              problems: [],
            },
            {
              eventType: 'radio',
              version: 1,
              depth: 1,
              path: ['radio', 'track'],
              compatible: true,
              mode: 'FORWARD',
              problems: [],
            },
          ],
          more: 0,
        });

        // A longer minimum: track itself (NONE) takes it; playlist
        // (BACKWARD) could no longer read its earlier events, radio
        // (FORWARD) could read the new ones.
        const narrowed = track({});
        (narrowed.properties.track_id as { minLength: number }).minLength = 4;
        const draft = JSON.stringify(narrowed);
        await expect(
          registry.checkCompatibility({ name: 'track', schema: draft }),
        ).resolves.toMatchObject({ compatible: true });
        const { items } = await registry.checkReferrers({
          name: 'track',
          schema: draft,
        });
        expect(items.map(i => [i.eventType, i.compatible])).toEqual([
          ['playlist', false],
          ['radio', true],
        ]);
        expect(items[0].problems).toEqual([
          expect.objectContaining({
            field: 'first.track_id',
            rule: 'minLength',
          }),
        ]);
        expect(items[1].problems).toEqual([]);
      },
    );

    it.each(databases.eachSupportedId())(
      'follows references through other types, by the versions they pin, %p',
      async databaseId => {
        const { registry, create, register } = await createRegistry(databaseId);
        await create('track', track(), 'NONE');
        // album (NONE) -> track; playlist (BACKWARD) -> album -> track.
        await create('album', withTrack(1), 'NONE');
        await create('playlist', {
          type: 'object',
          properties: { album: { $ref: ref('album', 1) } },
        });
        // Its latest version no longer references track: not a referrer.
        await create('mixtape', withTrack(1));
        await register('mixtape', { type: 'object' });
        // album v2 drops track; playlist still pins album v1, so it still
        // reads track through it.
        await register('album', { type: 'object' });

        const { items, more } = await registry.checkReferrers({
          name: 'track',
          schema: JSON.stringify(genreRequired),
        });
        expect(more).toBe(0);
        expect(items).toEqual([
          expect.objectContaining({
            eventType: 'playlist',
            version: 1,
            depth: 2,
            path: ['playlist', 'album', 'track'],
            compatible: false,
            mode: 'BACKWARD',
          }),
        ]);
        expect(items[0].problems.map(p => p.field)).toEqual([
          'album.first.genre',
        ]);

        // Once album's latest references track again, it is one too.
        await register('album', { ...withTrack(1), title: 'Album' });
        const again = await registry.checkReferrers({
          name: 'track',
          schema: JSON.stringify(genreRequired),
        });
        expect(
          again.items.map(i => [i.eventType, i.depth, i.compatible]),
        ).toEqual([
          ['album', 1, true],
          ['playlist', 2, false],
        ]);
      },
    );

    it.each(databases.eachSupportedId())(
      'judges the referrers history under a transitive mode, %p',
      async databaseId => {
        const { registry, create, register } = await createRegistry(databaseId);
        await create('track', track(), 'NONE');
        // v1 took any track id; v2 (registered under NONE) takes track's,
        // of 3 characters or more.
        await create(
          'playlist',
          {
            type: 'object',
            properties: {
              first: {
                type: 'object',
                properties: { track_id: { type: 'string', minLength: 1 } },
                required: ['track_id'],
                additionalProperties: false,
              },
            },
            required: ['first'],
          },
          'NONE',
        );
        await register('playlist', withTrack(1));
        await registry.updateEventType({
          name: 'playlist',
          request: { compatibility: 'BACKWARD_TRANSITIVE' },
          updatedBy: 'user:default/alice',
        });
        const shorter = track({});
        (shorter.properties.track_id as { minLength: number }).minLength = 2;
        const { items } = await registry.checkReferrers({
          name: 'track',
          schema: JSON.stringify(shorter),
        });
        // Looser than v2, still narrower than v1: every version is compared.
        expect(items).toEqual([
          expect.objectContaining({
            eventType: 'playlist',
            version: 2,
            compatible: false,
            mode: 'BACKWARD_TRANSITIVE',
          }),
        ]);
        expect(items[0].problems).toEqual([
          expect.objectContaining({
            field: 'first.track_id',
            rule: 'minLength',
            version: 1,
          }),
        ]);
      },
    );

    it.each(databases.eachSupportedId())(
      'answers an empty section for a type nobody references, and a problem for a draft a referrer cannot take, %p',
      async databaseId => {
        const { registry, create } = await createRegistry(databaseId);
        await create('track', track(), 'NONE');
        await expect(
          registry.checkReferrers({
            name: 'track',
            schema: JSON.stringify(genreRequired),
          }),
        ).resolves.toEqual({ items: [], more: 0 });

        await create('playlist', withTrack(1));
        // A draft that references its referrer would close a cycle.
        const { items } = await registry.checkReferrers({
          name: 'track',
          schema: JSON.stringify({ $ref: ref('playlist', 1) }),
        });
        expect(items).toEqual([
          expect.objectContaining({
            eventType: 'playlist',
            compatible: false,
            problems: [
              {
                field: '',
                rule: 'reference',
                message: expect.stringMatching(
                  /^Version 1 cannot take the draft in place of 'track': References form a cycle/,
                ),
              },
            ],
          }),
        ]);
      },
    );

    it.each(databases.eachSupportedId())(
      'judges at most MAX_REFERRERS_JUDGED referrers, nearest first, and counts the rest, %p',
      async databaseId => {
        const { registry, create } = await createRegistry(databaseId);
        await create('track', track(), 'NONE');
        await create('album', withTrack(1), 'NONE');
        // One at depth 2, which sorts after every one at depth 1.
        await create('a-playlist', {
          type: 'object',
          properties: { album: { $ref: ref('album', 1) } },
        });
        for (let i = 0; i < MAX_REFERRERS_JUDGED; i++) {
          await create(`radio-${String(i).padStart(2, '0')}`, withTrack(1));
        }
        const { items, more } = await registry.checkReferrers({
          name: 'track',
          schema: JSON.stringify(track()),
        });
        expect(items).toHaveLength(MAX_REFERRERS_JUDGED);
        expect(more).toBe(2);
        expect(items[0].eventType).toBe('album');
        expect(items[1].eventType).toBe('radio-00');
        expect(items.every(item => item.depth === 1)).toBe(true);
      },
    );
  });
});
