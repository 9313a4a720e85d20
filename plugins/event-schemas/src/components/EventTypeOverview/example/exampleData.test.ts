import {
  EventTypeFormat,
  compileValidator,
} from '@data-collection/plugin-event-schemas-common';
import { playbackSchemaV2 } from '../../../__testUtils__';
import { exampleData } from './exampleData';

const at = new Date('2026-11-23T10:15:30.000Z');

function example(format: EventTypeFormat, schema: unknown) {
  const text = JSON.stringify(schema);
  const result = exampleData({ format, schema: text, at });
  // Checked again here, against the common package's validator, so a
  // generator bug cannot hide behind exampleData's own fallback.
  expect(compileValidator({ format, schema: text })(result.data)).toEqual({
    valid: true,
    errors: [],
  });
  expect(result.valid).toBe(true);
  return result.data;
}

describe('exampleData', () => {
  describe('JSON Schema', () => {
    it('makes every property, required and optional, from its type', () => {
      expect(
        example('jsonschema', {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          additionalProperties: false,
          required: ['id', 'at', 'user'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            at: { type: 'string', format: 'date-time' },
            day: { type: 'string', format: 'date' },
            email: { type: 'string', format: 'email' },
            count: { type: 'integer', minimum: 1, maximum: 10 },
            ratio: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
            ok: { type: 'boolean' },
            note: { type: ['string', 'null'], minLength: 8 },
            tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
            user: {
              type: 'object',
              required: ['name'],
              properties: {
                name: { type: 'string', maxLength: 3 },
                age: { type: 'integer', multipleOf: 5, exclusiveMinimum: 12 },
              },
            },
          },
        }),
      ).toEqual({
        id: '3f2c8a1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c',
        at: '2026-11-23T10:15:30.000Z',
        day: '2026-11-23',
        email: 'user@example.com',
        count: 1,
        ratio: 0.25,
        ok: true,
        note: 'stringxx',
        tags: ['string', 'string'],
        user: { name: 'str', age: 15 },
      });
    });

    it('takes const, examples, defaults and enums first', () => {
      expect(
        example('jsonschema', {
          type: 'object',
          properties: {
            kind: { const: 'play' },
            country: { type: 'string', examples: ['SE', 'NO'] },
            volume: { type: 'integer', default: 50 },
            quality: { enum: ['high', 'low'] },
          },
        }),
      ).toEqual({ kind: 'play', country: 'SE', volume: 50, quality: 'high' });
    });

    it('drops examples that do not follow the schema', () => {
      expect(
        example('jsonschema', {
          type: 'object',
          properties: { n: { type: 'integer', examples: ['many'] } },
        }),
      ).toEqual({ n: 0 });
    });

    it('follows $refs, allOf, oneOf and draft-04 bounds, and stops at recursion', () => {
      expect(
        example('jsonschema', {
          $schema: 'http://json-schema.org/draft-04/schema#',
          definitions: {
            node: {
              type: 'object',
              required: ['name'],
              properties: {
                name: { type: 'string' },
                children: {
                  type: 'array',
                  items: { $ref: '#/definitions/node' },
                },
              },
            },
            base: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string' } },
            },
          },
          allOf: [
            { $ref: '#/definitions/base' },
            {
              type: 'object',
              properties: {
                tree: { $ref: '#/definitions/node' },
                level: { type: 'integer', minimum: 3, exclusiveMinimum: true },
                either: { oneOf: [{ type: 'null' }, { type: 'integer' }] },
              },
            },
          ],
        }),
      ).toEqual({
        id: 'string',
        tree: { name: 'string', children: [] },
        level: 4,
        either: 0,
      });
    });

    it('makes tuples of 2020-12 prefixItems', () => {
      expect(
        example('jsonschema', {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'array',
          prefixItems: [{ type: 'number' }, { type: 'string', format: 'time' }],
          items: false,
        }),
      ).toEqual([0, '10:15:30Z']);
    });

    it('makes an example of the playback fixture', () => {
      expect(example('jsonschema', JSON.parse(playbackSchemaV2))).toEqual({
        track_id: 'string',
        user_id: 'string',
        position_ms: 0,
      });
    });

    it('says when it cannot meet the schema', () => {
      const result = exampleData({
        format: 'jsonschema',
        schema: JSON.stringify({ type: 'string', pattern: '^[0-9]+$' }),
        at,
      });
      expect(result.valid).toBe(false);
      expect(result.errors[0]).toMatch(/pattern/);
    });
  });

  describe('Avro', () => {
    it('makes records, enums, arrays, maps, unions and logical types', () => {
      expect(
        example('avro', {
          type: 'record',
          name: 'Play',
          namespace: 'com.acme',
          fields: [
            {
              name: 'at',
              type: { type: 'long', logicalType: 'timestamp-millis' },
            },
            { name: 'day', type: { type: 'int', logicalType: 'date' } },
            { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
            {
              name: 'price',
              type: {
                type: 'bytes',
                logicalType: 'decimal',
                precision: 4,
                scale: 2,
              },
            },
            { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
            {
              name: 'user',
              type: [
                'null',
                {
                  type: 'record',
                  name: 'User',
                  fields: [
                    { name: 'user_id', type: 'string' },
                    { name: 'premium', type: 'boolean', default: false },
                  ],
                },
              ],
              default: null,
            },
            {
              name: 'kind',
              type: { type: 'enum', name: 'Kind', symbols: ['SONG', 'AD'] },
            },
            { name: 'tracks', type: { type: 'array', items: 'double' } },
            { name: 'attributes', type: { type: 'map', values: 'long' } },
            { name: 'owner', type: 'User' },
            { name: 'volume', type: 'int', default: 50 },
          ],
        }),
      ).toEqual({
        at: at.getTime(),
        day: 20_780,
        id: '3f2c8a1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c',
        price: 'bytes',
        hash: 'aaaa',
        user: { user_id: 'string', premium: false },
        kind: 'SONG',
        tracks: [0],
        attributes: { key: 0 },
        owner: { user_id: 'string', premium: false },
        volume: 50,
      });
    });

    it('stops a recursive record at its first repetition', () => {
      expect(
        example('avro', {
          type: 'record',
          name: 'Node',
          fields: [
            { name: 'value', type: 'long' },
            { name: 'next', type: ['null', 'Node'], default: null },
            { name: 'children', type: { type: 'array', items: 'Node' } },
          ],
        }),
      ).toEqual({ value: 0, next: null, children: [] });
    });

    it('makes a value of a schema that is not a record', () => {
      expect(example('avro', ['null', 'string'])).toBe('string');
    });
  });
});
