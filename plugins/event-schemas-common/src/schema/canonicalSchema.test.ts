import { canonicalSchema } from './canonicalSchema';
import { SchemaError } from './SchemaError';

describe('canonicalSchema', () => {
  describe('JSON Schema', () => {
    it('sorts keys recursively and drops whitespace', () => {
      const a =
        '{ "type": "object",\n  "properties": { "b": {"type":"string"}, "a": {"maxLength": 3, "type": "string"} } }';
      const b =
        '{"properties":{"a":{"type":"string","maxLength":3},"b":{"type":"string"}},"type":"object"}';
      expect(canonicalSchema({ format: 'jsonschema', schema: a })).toBe(
        '{"properties":{"a":{"maxLength":3,"type":"string"},"b":{"type":"string"}},"type":"object"}',
      );
      expect(canonicalSchema({ format: 'jsonschema', schema: b })).toBe(
        canonicalSchema({ format: 'jsonschema', schema: a }),
      );
    });

    it('keeps array order, which is content', () => {
      expect(
        canonicalSchema({ format: 'jsonschema', schema: '{"enum":["b","a"]}' }),
      ).toBe('{"enum":["b","a"]}');
      expect(
        canonicalSchema({ format: 'jsonschema', schema: '{"enum":["a","b"]}' }),
      ).not.toBe(
        canonicalSchema({ format: 'jsonschema', schema: '{"enum":["b","a"]}' }),
      );
    });

    it('tells different content apart', () => {
      expect(
        canonicalSchema({ format: 'jsonschema', schema: '{"maxLength":3}' }),
      ).not.toBe(
        canonicalSchema({ format: 'jsonschema', schema: '{"maxLength":4}' }),
      );
    });

    it('throws a SchemaError for an invalid schema', () => {
      expect(() =>
        canonicalSchema({ format: 'jsonschema', schema: '{"type":1}' }),
      ).toThrow(SchemaError);
    });
  });

  describe('Avro', () => {
    const canonical = (schema: unknown) =>
      canonicalSchema({ format: 'avro', schema: JSON.stringify(schema) });

    it('writes {"type": "string"} as "string" and drops the default field order', () => {
      expect(
        canonical({
          type: 'record',
          name: 'E',
          fields: [{ name: 'a', type: { type: 'string' }, order: 'ascending' }],
        }),
      ).toBe(
        '{"fields":[{"name":"a","type":"string"}],"name":"E","type":"record"}',
      );
    });

    it('resolves namespaces, so equivalent spellings of names are equal', () => {
      const short = {
        type: 'record',
        name: 'Click',
        namespace: 'com.acme',
        aliases: ['OldClick'],
        fields: [
          {
            name: 'user',
            type: {
              type: 'record',
              name: 'User',
              fields: [{ name: 'id', type: 'string' }],
            },
          },
          { name: 'by', type: 'User' },
        ],
      };
      const full = {
        name: 'com.acme.Click',
        type: 'record',
        aliases: ['com.acme.OldClick'],
        fields: [
          {
            name: 'user',
            type: {
              type: 'record',
              name: 'com.acme.User',
              fields: [{ name: 'id', type: 'string' }],
            },
          },
          { name: 'by', type: 'com.acme.User' },
        ],
      };
      expect(canonical(short)).toBe(canonical(full));
    });

    it('keeps what schema resolution depends on: defaults, aliases, enum defaults, order, logical types', () => {
      const base = {
        type: 'record',
        name: 'E',
        fields: [{ name: 'a', type: 'int' }],
      };
      const variants = [
        { ...base, fields: [{ name: 'a', type: 'int', default: 0 }] },
        { ...base, fields: [{ name: 'a', type: 'int', aliases: ['b'] }] },
        { ...base, fields: [{ name: 'a', type: 'int', order: 'descending' }] },
        { ...base, fields: [{ name: 'a', type: 'int', doc: 'the a' }] },
        {
          ...base,
          fields: [{ name: 'a', type: { type: 'int', logicalType: 'date' } }],
        },
      ];
      const forms = new Set([base, ...variants].map(canonical));
      expect(forms.size).toBe(variants.length + 1);
      const withEnum = (extra: object) =>
        canonical({
          ...base,
          fields: [
            {
              name: 'k',
              type: { type: 'enum', name: 'K', symbols: ['A', 'B'], ...extra },
            },
          ],
        });
      expect(withEnum({ default: 'A' })).not.toBe(withEnum({}));
      expect(withEnum({ default: 'A' })).toContain('"default":"A"');
    });

    it('is insensitive to whitespace and key order', () => {
      expect(
        canonicalSchema({
          format: 'avro',
          schema: '{ "type" : "record", "name": "E", "fields": [] }',
        }),
      ).toBe(
        canonicalSchema({
          format: 'avro',
          schema: '{"fields":[],"name":"E","type":"record"}',
        }),
      );
    });

    it('keeps primitives and unions as they are', () => {
      expect(canonical('long')).toBe('"long"');
      expect(canonical(['null', { type: 'string' }])).toBe('["null","string"]');
    });
  });
});
