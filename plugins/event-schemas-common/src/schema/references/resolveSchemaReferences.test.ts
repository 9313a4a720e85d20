import { checkCompatibility } from '../../compatibility';
import { compileValidator } from '../compileValidator';
import { listFields } from '../listFields';
import { parseSchema } from '../parseSchema';
import { SchemaError } from '../SchemaError';
import { parseRegistryRef, registryRefOf } from './registryRefs';
import {
  listSchemaReferences,
  resolveSchemaReferences,
  SchemaReference,
} from './resolveSchemaReferences';

const BASE = 'http://localhost:7007/api/event-schemas';
const ref = (eventType: string, version: number, fragment?: string) =>
  registryRefOf({ baseUrl: BASE, eventType, version, fragment });

const track = {
  type: 'object',
  properties: {
    track_id: { type: 'string', minLength: 3 },
    artist: { $ref: '#/definitions/artist' },
  },
  required: ['track_id'],
  definitions: { artist: { type: 'string', maxLength: 10 } },
};

function storeOf(schemas: Record<string, unknown>) {
  const loads: SchemaReference[] = [];
  return {
    loads,
    load: async (reference: SchemaReference) => {
      loads.push(reference);
      const schema = schemas[`${reference.eventType}@${reference.version}`];
      return schema === undefined
        ? undefined
        : { format: 'jsonschema' as const, schema: JSON.stringify(schema) };
    },
  };
}

describe('parseRegistryRef', () => {
  it('reads the canonical URL, its path and a fragment', () => {
    expect(parseRegistryRef({ ref: ref('a.b', 2), baseUrl: BASE })).toEqual({
      eventType: 'a.b',
      version: 2,
      fragment: '',
    });
    expect(
      parseRegistryRef({
        ref: '/api/event-schemas/event-types/a/versions/1#/properties/x',
        baseUrl: BASE,
      }),
    ).toEqual({ eventType: 'a', version: 1, fragment: '/properties/x' });
  });

  it('refuses other URLs when given the base, accepts them without', () => {
    const other = 'https://elsewhere.example/event-types/a/versions/1';
    expect(parseRegistryRef({ ref: other, baseUrl: BASE })).toBeUndefined();
    expect(parseRegistryRef({ ref: other })?.eventType).toBe('a');
    expect(parseRegistryRef({ ref: '#/definitions/a' })).toBeUndefined();
    expect(
      parseRegistryRef({ ref: `${BASE}/event-types/a/versions/0` }),
    ).toBeUndefined();
  });
});

describe('resolveSchemaReferences', () => {
  it('leaves a schema without references unchanged, loading nothing', async () => {
    const { load, loads } = storeOf({});
    const schema = JSON.stringify({ type: 'object' });
    await expect(
      resolveSchemaReferences({ format: 'jsonschema', schema, load }),
    ).resolves.toEqual({ schema, references: [] });
    expect(loads).toEqual([]);
  });

  it('bundles referenced versions, recursively, and validates with them', async () => {
    const { load } = storeOf({
      'track@1': track,
      'album@3': {
        type: 'object',
        properties: { first: { $ref: ref('track', 1) } },
      },
    });
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        album: { $ref: ref('album', 3) },
        artist: {
          $ref: '/api/event-schemas/event-types/track/versions/1#/definitions/artist',
        },
      },
    });
    const resolved = await resolveSchemaReferences({
      format: 'jsonschema',
      schema,
      load,
      baseUrl: BASE,
    });
    expect(resolved.references).toEqual([
      { eventType: 'album', version: 3 },
      { eventType: 'track', version: 1 },
    ]);
    // The bundle is an ordinary registrable schema with in-document refs.
    expect(() =>
      parseSchema({ format: 'jsonschema', schema: resolved.schema }),
    ).not.toThrow();
    const validate = compileValidator({
      format: 'jsonschema',
      schema: resolved.schema,
    });
    expect(
      validate({ album: { first: { track_id: 'abcd', artist: 'x' } } }).valid,
    ).toBe(true);
    expect(validate({ album: { first: { track_id: 'a' } } }).errors).toEqual([
      '/album/first/track_id must NOT have fewer than 3 characters',
    ]);
    expect(validate({ artist: 'much too long a name' }).errors).toEqual([
      '/artist must NOT have more than 10 characters',
    ]);
    expect(
      listFields({ format: 'jsonschema', schema: resolved.schema }).map(
        f => f.path,
      ),
    ).toEqual(expect.arrayContaining(['album.first.track_id']));
  });

  it('refuses a missing version, a cycle, another draft and a too large result', async () => {
    const { load } = storeOf({
      'a@1': { $ref: ref('b', 1) },
      'b@1': { $ref: ref('a', 1) },
      'new@1': {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'string',
      },
      'track@1': track,
    });
    const resolve = (schema: unknown, maxBytes?: number) =>
      resolveSchemaReferences({
        format: 'jsonschema',
        schema: JSON.stringify(schema),
        load,
        baseUrl: BASE,
        maxBytes,
      });
    await expect(resolve({ $ref: ref('gone', 1) })).rejects.toThrow(
      "names version 1 of event type 'gone', which is not registered",
    );
    await expect(resolve({ $ref: ref('a', 1) })).rejects.toThrow(
      'References form a cycle: a@1 -> b@1 -> a@1',
    );
    await expect(resolve({ $ref: ref('new', 1) })).rejects.toThrow(
      'names a 2020-12 schema, and this schema is draft-07',
    );
    await expect(resolve({ $ref: ref('track', 1) }, 100)).rejects.toThrow(
      SchemaError,
    );
    await expect(
      resolve({ $ref: `${ref('track', 1)}#anchor` }),
    ).rejects.toThrow('not to an anchor');
  });

  it('bounds the depth of a chain', async () => {
    const schemas: Record<string, unknown> = { 'c0@1': { type: 'string' } };
    for (let i = 1; i <= 10; i++) {
      schemas[`c${i}@1`] = { $ref: ref(`c${i - 1}`, 1) };
    }
    const { load } = storeOf(schemas);
    await expect(
      resolveSchemaReferences({
        format: 'jsonschema',
        schema: JSON.stringify({ $ref: ref('c10', 1) }),
        load,
      }),
    ).rejects.toThrow('References chain more than 8 levels deep');
  });

  it('lists direct references without loading', () => {
    expect(
      listSchemaReferences({
        format: 'jsonschema',
        schema: JSON.stringify({
          properties: { a: { $ref: ref('t', 1) }, b: { $ref: ref('t', 1) } },
        }),
      }),
    ).toEqual([{ eventType: 't', version: 1 }]);
  });

  it('lets the compatibility engine follow a moved reference', async () => {
    const { load } = storeOf({
      'track@1': track,
      'track@2': {
        ...track,
        properties: { ...track.properties, genre: { type: 'string' } },
        required: ['track_id', 'genre'],
      },
    });
    const resolve = async (version: number) =>
      (
        await resolveSchemaReferences({
          format: 'jsonschema',
          schema: JSON.stringify({
            type: 'object',
            properties: { track: { $ref: ref('track', version) } },
          }),
          load,
        })
      ).schema;
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'FORWARD',
      candidate: await resolve(2),
      previous: [await resolve(1)],
    });
    expect(result.compatible).toBe(true);
    const backward = checkCompatibility({
      format: 'jsonschema',
      mode: 'BACKWARD',
      candidate: await resolve(2),
      previous: [await resolve(1)],
    });
    expect(backward.compatible).toBe(false);
    expect(backward.messages.join('\n')).toContain('genre');
  });
});
