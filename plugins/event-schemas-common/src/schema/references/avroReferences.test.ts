import { checkCompatibility } from '../../compatibility';
import { EventTypeFormat } from '../../types';
import { canonicalSchema } from '../canonicalSchema';
import { compileValidator } from '../compileValidator';
import { listFields } from '../listFields';
import { parseSchema } from '../parseSchema';
import { SchemaError } from '../SchemaError';
import { registryRefOf } from './registryRefs';
import {
  REFERENCE_LIMITS,
  listSchemaReferences,
  resolveSchemaReferences,
  SchemaReference,
} from './resolveSchemaReferences';

const BASE = 'http://localhost:7007/api/event-schemas';
const ref = (eventType: string, version: number) =>
  registryRefOf({ baseUrl: BASE, eventType, version });

const track = {
  type: 'record',
  name: 'Track',
  namespace: 'com.acme.music',
  fields: [
    { name: 'track_id', type: 'string' },
    { name: 'genre', type: { type: 'enum', name: 'Genre', symbols: ['POP'] } },
  ],
};

/** A store of registered versions, Avro unless the key says `json:`. */
function storeOf(schemas: Record<string, unknown>) {
  const loads: SchemaReference[] = [];
  return {
    loads,
    load: async (reference: SchemaReference) => {
      loads.push(reference);
      const key = `${reference.eventType}@${reference.version}`;
      if (`json:${key}` in schemas) {
        return {
          format: 'jsonschema' as const,
          schema: JSON.stringify(schemas[`json:${key}`]),
        };
      }
      return schemas[key] === undefined
        ? undefined
        : { format: 'avro' as const, schema: JSON.stringify(schemas[key]) };
    },
  };
}

function resolver(schemas: Record<string, unknown>) {
  const { load, loads } = storeOf(schemas);
  const resolve = (
    schema: unknown,
    options: { format?: EventTypeFormat; maxBytes?: number } = {},
  ) =>
    resolveSchemaReferences({
      format: options.format ?? 'avro',
      schema: JSON.stringify(schema),
      load,
      baseUrl: BASE,
      maxBytes: options.maxBytes,
    });
  return { resolve, loads };
}

const record = (name: string, fields: Array<[string, unknown]>) => ({
  type: 'record',
  name,
  fields: fields.map(([field, type]) => ({ name: field, type })),
});

describe('resolveSchemaReferences for Avro', () => {
  it('leaves a schema without references unchanged, loading nothing', async () => {
    const { resolve, loads } = resolver({});
    const schema = record('Plain', [['doc', 'string']]);
    await expect(resolve(schema)).resolves.toEqual({
      schema: JSON.stringify(schema),
      references: [],
    });
    expect(loads).toEqual([]);
  });

  it('defines a version where it is first named, and names it after', async () => {
    const { resolve, loads } = resolver({ 'track@1': track });
    const resolved = await resolve({
      type: 'record',
      name: 'Playlist',
      namespace: 'com.acme.playlists',
      fields: [
        { name: 'first', type: ref('track', 1) },
        { name: 'maybe', type: ['null', ref('track', 1)], default: null },
        { name: 'all', type: { type: 'array', items: ref('track', 1) } },
        {
          name: 'by_id',
          type: {
            type: 'map',
            values: '/api/event-schemas/event-types/track/versions/1',
          },
        },
      ],
    });
    expect(resolved.references).toEqual([{ eventType: 'track', version: 1 }]);
    expect(loads).toHaveLength(1);
    const fields = JSON.parse(resolved.schema).fields;
    expect(fields[0].type).toMatchObject({
      type: 'record',
      name: 'com.acme.music.Track',
    });
    // The copy is normalized: nested names are full, so they keep their
    // meaning inside the referencing schema's namespace.
    expect(fields[0].type.fields[1].type.name).toBe('com.acme.music.Genre');
    expect(fields[1].type).toEqual(['null', 'com.acme.music.Track']);
    expect(fields[2].type.items).toBe('com.acme.music.Track');
    expect(fields[3].type.values).toBe('com.acme.music.Track');

    expect(() =>
      parseSchema({ format: 'avro', schema: resolved.schema }),
    ).not.toThrow();
    const validate = compileValidator({
      format: 'avro',
      schema: resolved.schema,
    });
    const good = { track_id: 'a', genre: 'POP' };
    expect(
      validate({
        first: good,
        maybe: good,
        all: [good],
        by_id: { a: good },
      }).valid,
    ).toBe(true);
    const invalid = validate({
      first: { track_id: 'a', genre: 'JAZZ' },
      maybe: null,
      all: [],
      by_id: {},
    });
    expect(invalid.valid).toBe(false);
    expect(invalid.errors.join('\n')).toContain('/first/genre');
    expect(
      listFields({ format: 'avro', schema: resolved.schema }).map(f => f.path),
    ).toEqual(expect.arrayContaining(['first.track_id', 'all[].genre']));
  });

  it('resolves a whole schema that is a reference', async () => {
    const { resolve } = resolver({ 'track@1': track });
    const resolved = await resolve(ref('track', 1));
    expect(JSON.parse(resolved.schema).name).toBe('com.acme.music.Track');
  });

  it('keeps a version in the null namespace there, inside a namespace', async () => {
    const { resolve } = resolver({
      'id@1': { type: 'fixed', name: 'Id', size: 4 },
    });
    const resolved = await resolve({
      type: 'record',
      name: 'Event',
      namespace: 'com.acme',
      fields: [
        { name: 'a', type: ref('id', 1) },
        { name: 'b', type: ref('id', 1) },
      ],
    });
    const parsed = parseSchema({ format: 'avro', schema: resolved.schema });
    const fields = (parsed as { type: any }).type.fields;
    expect(fields.map((f: any) => f.type.name)).toEqual(['Id', 'Id']);
  });

  it('follows chains, and includes a version reached twice once', async () => {
    const { resolve, loads } = resolver({
      'track@1': track,
      'album@2': {
        type: 'record',
        name: 'com.acme.music.Album',
        fields: [
          { name: 'first', type: ref('track', 1) },
          { name: 'tracks', type: { type: 'array', items: ref('track', 1) } },
        ],
      },
    });
    const resolved = await resolve(
      record('Shelf', [
        ['album', ref('album', 2)],
        ['favourite', ref('track', 1)],
      ]),
    );
    expect(resolved.references).toEqual([
      { eventType: 'album', version: 2 },
      { eventType: 'track', version: 1 },
    ]);
    expect(loads).toHaveLength(2);
    const shelf = JSON.parse(resolved.schema);
    expect(shelf.fields[0].type.fields[0].type.name).toBe(
      'com.acme.music.Track',
    );
    expect(shelf.fields[0].type.fields[1].type.items).toBe(
      'com.acme.music.Track',
    );
    expect(shelf.fields[1].type).toBe('com.acme.music.Track');
    const validate = compileValidator({
      format: 'avro',
      schema: resolved.schema,
    });
    const t = { track_id: 'a', genre: 'POP' };
    expect(
      validate({ album: { first: t, tracks: [t] }, favourite: t }).valid,
    ).toBe(true);
  });

  it('refuses a cycle with its chain, and chains deeper than the limit', async () => {
    const { resolve } = resolver({
      'a@1': record('A', [['b', ref('b', 1)]]),
      'b@1': record('B', [['a', ref('a', 1)]]),
    });
    await expect(resolve(record('Root', [['a', ref('a', 1)]]))).rejects.toThrow(
      'References form a cycle: a@1 -> b@1 -> a@1',
    );

    const chain: Record<string, unknown> = { 'c0@1': record('C0', []) };
    for (let i = 1; i <= REFERENCE_LIMITS.maxDepth + 1; i++) {
      chain[`c${i}@1`] = record(`C${i}`, [['next', ref(`c${i - 1}`, 1)]]);
    }
    const deep = resolver(chain);
    await expect(
      deep.resolve(ref(`c${REFERENCE_LIMITS.maxDepth + 1}`, 1)),
    ).rejects.toThrow('References chain more than 8 levels deep');
    await expect(
      deep.resolve(ref(`c${REFERENCE_LIMITS.maxDepth - 1}`, 1)),
    ).resolves.toMatchObject({ references: [{ eventType: 'c7' }] });
  });

  it('bounds how many versions and how many bytes it pulls in', async () => {
    const many: Record<string, unknown> = {};
    const fields: Array<[string, unknown]> = [];
    for (let i = 0; i <= REFERENCE_LIMITS.maxVersions; i++) {
      many[`t${i}@1`] = record(`T${i}`, []);
      fields.push([`f${i}`, ref(`t${i}`, 1)]);
    }
    const { resolve, loads } = resolver(many);
    await expect(resolve(record('Root', fields))).rejects.toThrow(
      'The schema references more than 64 registered versions',
    );
    expect(loads).toHaveLength(REFERENCE_LIMITS.maxVersions);

    const small = resolver({ 'track@1': track });
    await expect(
      small.resolve(record('Root', [['t', ref('track', 1)]]), {
        maxBytes: 100,
      }),
    ).rejects.toThrow('larger than 100 bytes');
  });

  it('refuses a name defined twice, naming both definitions', async () => {
    const { resolve } = resolver({
      'track@1': track,
      'track@2': { ...track, fields: [{ name: 'track_id', type: 'long' }] },
    });
    await expect(
      resolve(
        record('Root', [
          ['old', ref('track', 1)],
          ['new', ref('track', 2)],
        ]),
      ),
    ).rejects.toThrow(
      "'com.acme.music.Track' is defined by both version track@1 and version track@2",
    );
    await expect(
      resolve({
        type: 'record',
        name: 'Track',
        namespace: 'com.acme.music',
        fields: [{ name: 'other', type: ref('track', 1) }],
      }),
    ).rejects.toThrow(
      "'com.acme.music.Track' is defined by both this schema and version track@1",
    );
    await expect(
      resolve(
        record('Root', [
          ['t', ref('track', 1)],
          ['g', { type: 'enum', name: 'com.acme.music.Genre', symbols: ['X'] }],
        ]),
      ),
    ).rejects.toThrow(
      "'com.acme.music.Genre' is defined by both version track@1 and this schema",
    );
  });

  it('refuses unknown versions, other formats, fragments and unnamed top levels', async () => {
    const { resolve } = resolver({
      'json:page@1': { type: 'object' },
      'track@1': track,
      'string@1': 'string',
      'union@1': ['null', 'string'],
      'list@1': { type: 'array', items: 'string' },
    });
    const root = (type: unknown) => record('Root', [['x', type]]);
    await expect(resolve(root(ref('gone', 3)))).rejects.toThrow(
      `'${ref(
        'gone',
        3,
      )}' names version 3 of event type 'gone', which is not registered`,
    );
    await expect(resolve(root(ref('page', 1)))).rejects.toThrow(
      'names a JSON Schema; an Avro schema can reference Avro schemas only',
    );
    await expect(
      resolve({ $ref: ref('track', 1) }, { format: 'jsonschema' }),
    ).rejects.toThrow(
      'names an Avro schema; a JSON Schema can reference JSON Schemas only',
    );
    await expect(resolve(root(`${ref('track', 1)}#/fields/0`))).rejects.toThrow(
      'without a fragment',
    );
    for (const [name, what] of [
      ['string', "'string'"],
      ['union', 'a union'],
      ['list', "'array'"],
    ]) {
      const error = await resolve(root(ref(name, 1))).catch(e => e);
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.message).toContain(
        `names a schema whose top level is ${what}; an Avro schema can reference named types only (record, enum or fixed)`,
      );
    }
  });

  it('leaves a URL of another registry for parseSchema to refuse', async () => {
    const { resolve, loads } = resolver({ 'track@1': track });
    const other =
      'https://elsewhere.example/api/event-schemas/event-types/track/versions/1';
    const resolved = await resolve(record('Root', [['t', other]]));
    expect(resolved.references).toEqual([]);
    expect(loads).toEqual([]);
    expect(() =>
      parseSchema({ format: 'avro', schema: resolved.schema }),
    ).toThrow(
      `'${other}' is not a type name, nor a reference the registry resolved`,
    );
  });

  it('lets the compatibility engine follow a moved reference', async () => {
    const { resolve } = resolver({
      'track@1': track,
      'track@2': {
        ...track,
        fields: [...track.fields, { name: 'artist', type: 'string' }],
      },
    });
    const playlist = async (version: number) =>
      (
        await resolve(
          record('com.acme.Playlist', [['t', ref('track', version)]]),
        )
      ).schema;
    const backward = checkCompatibility({
      format: 'avro',
      mode: 'BACKWARD',
      candidate: await playlist(2),
      previous: [await playlist(1)],
    });
    expect(backward.compatible).toBe(false);
    expect(backward.messages.join('\n')).toContain('artist');
    expect(
      checkCompatibility({
        format: 'avro',
        mode: 'FORWARD',
        candidate: await playlist(2),
        previous: [await playlist(1)],
      }).compatible,
    ).toBe(true);
  });
});

describe('Avro schemas with references, unresolved', () => {
  const schema = JSON.stringify({
    type: 'record',
    name: 'Playlist',
    namespace: 'com.acme',
    doc: `not a reference: ${ref('doc', 1)}`,
    fields: [
      { name: 'first', type: ref('track', 1) },
      { name: 'more', type: { type: 'array', items: ref('track', 1) } },
      { name: 'cover', type: ['null', ref('image', 2)] },
      { name: 'link', type: 'string', default: ref('nothing', 1) },
    ],
  });

  it('lists the versions named in type positions, each once', () => {
    expect(listSchemaReferences({ format: 'avro', schema })).toEqual([
      { eventType: 'track', version: 1 },
      { eventType: 'image', version: 2 },
    ]);
    expect(listSchemaReferences({ format: 'avro', schema: '{' })).toEqual([]);
  });

  it('reads them as opaque for listing and fingerprints, and will not validate', () => {
    expect(listFields({ format: 'avro', schema }).map(f => f.path)).toEqual([
      'first',
      'more',
      'cover',
      'link',
    ]);
    // References are kept as written, not qualified like names.
    expect(canonicalSchema({ format: 'avro', schema })).toContain(
      `"type":"${ref('track', 1)}"`,
    );
    expect(() => compileValidator({ format: 'avro', schema })).toThrow(
      'validate with it resolved',
    );
    expect(() => parseSchema({ format: 'avro', schema })).toThrow(
      'is not a type name',
    );
  });
});
