import { listFields } from './listFields';

const jsonFields = (schema: unknown) =>
  listFields({ format: 'jsonschema', schema: JSON.stringify(schema) });
const avroFields = (schema: unknown) =>
  listFields({ format: 'avro', schema: JSON.stringify(schema) });

describe('listFields', () => {
  describe('JSON Schema', () => {
    it('lists nested properties with dotted paths, types, required flags and descriptions', () => {
      expect(
        jsonFields({
          type: 'object',
          required: ['user'],
          properties: {
            user: {
              type: 'object',
              description: 'Who clicked',
              required: ['id'],
              properties: {
                id: { type: 'integer' },
                email: { type: ['string', 'null'], format: 'email' },
              },
            },
            tags: { type: 'array', items: { type: 'string' } },
            kind: { enum: ['a', 'b'] },
          },
        }),
      ).toEqual([
        {
          path: 'user',
          name: 'user',
          type: 'object',
          required: true,
          description: 'Who clicked',
        },
        { path: 'user.id', name: 'id', type: 'integer', required: true },
        {
          path: 'user.email',
          name: 'email',
          type: 'string|null',
          required: false,
        },
        { path: 'tags', name: 'tags', type: 'array<string>', required: false },
        { path: 'kind', name: 'kind', type: 'string', required: false },
      ]);
    });

    it('lists the fields of array items under []', () => {
      expect(
        jsonFields({
          properties: {
            tracks: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id'],
                properties: { id: { type: 'string' }, ms: { type: 'integer' } },
              },
            },
          },
        }),
      ).toEqual([
        {
          path: 'tracks',
          name: 'tracks',
          type: 'array<object>',
          required: false,
        },
        { path: 'tracks[].id', name: 'id', type: 'string', required: true },
        { path: 'tracks[].ms', name: 'ms', type: 'integer', required: false },
      ]);
    });

    it('follows in-document references and lists a recursive schema once', () => {
      const fields = jsonFields({
        definitions: {
          user: {
            type: 'object',
            description: 'A user',
            properties: { user_id: { type: 'string' } },
          },
          node: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              children: {
                type: 'array',
                items: { $ref: '#/definitions/node' },
              },
            },
          },
        },
        properties: {
          owner: { $ref: '#/definitions/user' },
          tree: { $ref: '#/definitions/node' },
        },
      });
      expect(fields).toEqual([
        {
          path: 'owner',
          name: 'owner',
          type: 'object',
          required: false,
          description: 'A user',
        },
        {
          path: 'owner.user_id',
          name: 'user_id',
          type: 'string',
          required: false,
        },
        { path: 'tree', name: 'tree', type: 'object', required: false },
        { path: 'tree.name', name: 'name', type: 'string', required: false },
        {
          path: 'tree.children',
          name: 'children',
          type: 'array<object>',
          required: false,
        },
      ]);
    });

    it('merges allOf branches: a field is required if any branch requires it', () => {
      expect(
        jsonFields({
          allOf: [
            {
              properties: {
                id: { type: 'string' },
                at: { type: 'string', format: 'date-time' },
              },
            },
            { required: ['at'] },
          ],
        }),
      ).toEqual([
        { path: 'id', name: 'id', type: 'string', required: false },
        { path: 'at', name: 'at', type: 'string', required: true },
      ]);
    });

    it('merges anyOf/oneOf branches: required only if every branch requires it', () => {
      expect(
        jsonFields({
          oneOf: [
            {
              required: ['kind', 'title'],
              properties: {
                kind: { const: 'song' },
                title: { type: 'string' },
              },
            },
            {
              required: ['kind'],
              properties: {
                kind: { const: 'ad' },
                seconds: { type: 'integer' },
              },
            },
          ],
        }),
      ).toEqual([
        { path: 'kind', name: 'kind', type: 'string', required: true },
        { path: 'title', name: 'title', type: 'string', required: false },
        { path: 'seconds', name: 'seconds', type: 'integer', required: false },
      ]);
    });

    it('lists 2020-12 prefixItems and gives untyped fields the type any', () => {
      expect(
        jsonFields({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          properties: {
            point: {
              type: 'array',
              prefixItems: [{ type: 'number' }, { type: 'number' }],
            },
            extra: {},
          },
        }),
      ).toEqual([
        {
          path: 'point',
          name: 'point',
          type: 'array<number>',
          required: false,
        },
        { path: 'extra', name: 'extra', type: 'any', required: false },
      ]);
    });
  });

  describe('Avro', () => {
    it('lists record fields through nested records, arrays, maps and unions', () => {
      expect(
        avroFields({
          type: 'record',
          name: 'Play',
          namespace: 'com.acme',
          fields: [
            {
              name: 'at',
              type: { type: 'long', logicalType: 'timestamp-millis' },
              doc: 'When it started',
            },
            {
              name: 'user',
              type: [
                'null',
                {
                  type: 'record',
                  name: 'User',
                  fields: [{ name: 'user_id', type: 'string' }],
                },
              ],
              default: null,
            },
            {
              name: 'tracks',
              type: {
                type: 'array',
                items: {
                  type: 'record',
                  name: 'Track',
                  fields: [
                    { name: 'id', type: 'string' },
                    {
                      name: 'kind',
                      type: {
                        type: 'enum',
                        name: 'Kind',
                        symbols: ['SONG', 'AD'],
                      },
                    },
                  ],
                },
              },
            },
            {
              name: 'attributes',
              type: {
                type: 'map',
                values: {
                  type: 'record',
                  name: 'Attribute',
                  fields: [{ name: 'name', type: 'string' }],
                },
              },
            },
            { name: 'owner', type: 'User' },
          ],
        }),
      ).toEqual([
        {
          path: 'at',
          name: 'at',
          type: 'timestamp-millis',
          required: true,
          description: 'When it started',
        },
        { path: 'user', name: 'user', type: 'null|User', required: false },
        {
          path: 'user.user_id',
          name: 'user_id',
          type: 'string',
          required: true,
        },
        {
          path: 'tracks',
          name: 'tracks',
          type: 'array<Track>',
          required: true,
        },
        { path: 'tracks[].id', name: 'id', type: 'string', required: true },
        { path: 'tracks[].kind', name: 'kind', type: 'enum', required: true },
        {
          path: 'attributes',
          name: 'attributes',
          type: 'map<Attribute>',
          required: true,
        },
        {
          path: 'attributes.{}.name',
          name: 'name',
          type: 'string',
          required: true,
        },
        { path: 'owner', name: 'owner', type: 'User', required: true },
        {
          path: 'owner.user_id',
          name: 'user_id',
          type: 'string',
          required: true,
        },
      ]);
    });

    it('lists a recursive record once', () => {
      expect(
        avroFields({
          type: 'record',
          name: 'Node',
          fields: [
            { name: 'value', type: 'long' },
            { name: 'next', type: ['null', 'Node'], default: null },
          ],
        }),
      ).toEqual([
        { path: 'value', name: 'value', type: 'long', required: true },
        { path: 'next', name: 'next', type: 'null|Node', required: false },
      ]);
    });

    it('has no fields for a non-record schema', () => {
      expect(avroFields('string')).toEqual([]);
    });
  });
});
