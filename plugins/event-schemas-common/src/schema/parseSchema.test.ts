import { DEFAULT_SCHEMA_LIMITS } from './limits';
import { parseSchema } from './parseSchema';
import { SchemaError } from './SchemaError';

const json = (value: unknown) => JSON.stringify(value);

function parseError(options: Parameters<typeof parseSchema>[0]): SchemaError {
  try {
    parseSchema(options);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

describe('parseSchema', () => {
  describe('JSON Schema drafts', () => {
    it.each([
      [
        'http://json-schema.org/draft-04/schema#',
        'draft-04',
        { type: 'number', minimum: 0, exclusiveMinimum: true },
      ],
      [
        'http://json-schema.org/draft-06/schema#',
        'draft-06',
        { type: 'number', exclusiveMinimum: 0 },
      ],
      [
        'http://json-schema.org/draft-07/schema#',
        'draft-07',
        { if: { type: 'string' }, then: { maxLength: 3 } },
      ],
      [
        'https://json-schema.org/draft/2019-09/schema',
        '2019-09',
        { dependentRequired: { a: ['b'] } },
      ],
      [
        'https://json-schema.org/draft/2020-12/schema',
        '2020-12',
        { prefixItems: [{ type: 'string' }] },
      ],
      [
        'https://json-schema.org/draft-07/schema',
        'draft-07',
        { type: 'string' },
      ],
    ])('reads %s as %s', (uri, draft, rest) => {
      const parsed = parseSchema({
        format: 'jsonschema',
        schema: json({ $schema: uri, ...rest }),
      });
      expect(parsed).toMatchObject({ format: 'jsonschema', draft });
    });

    it('reads a schema without $schema as draft-07', () => {
      expect(
        parseSchema({ format: 'jsonschema', schema: '{"type":"object"}' }),
      ).toEqual({
        format: 'jsonschema',
        document: { type: 'object' },
        draft: 'draft-07',
      });
    });

    it('accepts a Snowplow self-describing schema, with its Iglu $schema and `self`, as draft-07', () => {
      const parsed = parseSchema({
        format: 'jsonschema',
        schema: json({
          $schema:
            'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
          self: {
            vendor: 'com.acme',
            name: 'click',
            format: 'jsonschema',
            version: '1-0-0',
          },
          type: 'object',
          properties: { targetUrl: { type: 'string', maxLength: 4096 } },
          additionalProperties: false,
        }),
      });
      expect(parsed).toMatchObject({ format: 'jsonschema', draft: 'draft-07' });
    });

    it('accepts boolean schemas and unknown keywords', () => {
      expect(
        parseSchema({ format: 'jsonschema', schema: 'true' }),
      ).toMatchObject({ document: true });
      expect(
        parseSchema({
          format: 'jsonschema',
          schema: '{"x-owner":"team","type":"string"}',
        }).format,
      ).toBe('jsonschema');
    });

    it('does not look for keywords inside data such as enum values', () => {
      const schema = json({
        enum: [{ $ref: 'http://example.com/x', pattern: '(a+)+' }],
      });
      expect(parseSchema({ format: 'jsonschema', schema }).format).toBe(
        'jsonschema',
      );
    });

    it('accepts a top-level $id and compiles two versions that share it', () => {
      const v1 = json({
        $id: 'https://acme.com/click.json',
        type: 'object',
        definitions: { a: { $id: '#a', type: 'string' } },
      });
      const v2 = json({
        $id: 'https://acme.com/click.json',
        type: 'object',
        properties: { a: { $ref: '#a' } },
        definitions: { a: { $id: '#a', type: 'string' } },
      });
      expect(parseSchema({ format: 'jsonschema', schema: v1 }).format).toBe(
        'jsonschema',
      );
      expect(parseSchema({ format: 'jsonschema', schema: v2 }).format).toBe(
        'jsonschema',
      );
      expect(parseSchema({ format: 'jsonschema', schema: v1 }).format).toBe(
        'jsonschema',
      );
    });
  });

  describe('errors', () => {
    it('says where the JSON is invalid', () => {
      const error = parseError({
        format: 'jsonschema',
        schema: '{\n  "type": "object",\n}',
      });
      expect(error.name).toBe('SchemaError');
      expect(error.message).toMatch(/^Invalid JSON: .*line 3 column 1/);
    });

    it('lists the supported formats for an unknown one', () => {
      expect(parseError({ format: 'protobuf', schema: '{}' }).message).toBe(
        "Unsupported schema format 'protobuf': supported formats are jsonschema, avro",
      );
    });

    it('counts the size in UTF-8 bytes', () => {
      // 60 characters, 120 bytes.
      const schema = json({ description: 'é'.repeat(50) });
      expect(schema.length).toBeLessThan(100);
      expect(
        parseError({ format: 'jsonschema', schema, limits: { maxBytes: 100 } })
          .message,
      ).toMatch(
        /^Schema is too large: \d+ bytes, over the limit of 100 bytes \(maxBytes\)$/,
      );
    });

    it('rejects a schema over the default 256 KiB', () => {
      expect(DEFAULT_SCHEMA_LIMITS.maxBytes).toBe(262144);
      const schema = json({ description: 'x'.repeat(262144) });
      expect(parseError({ format: 'avro', schema }).message).toContain(
        'over the limit of 262144 bytes (maxBytes)',
      );
    });

    it('rejects nesting deeper than maxDepth', () => {
      const deep = {
        properties: { a: { properties: { b: { type: 'string' } } } },
      };
      expect(
        parseError({
          format: 'jsonschema',
          schema: json(deep),
          limits: { maxDepth: 4 },
        }).message,
      ).toBe(
        'Schema nests objects and arrays more than 4 levels deep, over the limit (maxDepth)',
      );
      expect(
        parseSchema({
          format: 'jsonschema',
          schema: json(deep),
          limits: { maxDepth: 5 },
        }).format,
      ).toBe('jsonschema');
    });

    it('rejects 33 levels by default', () => {
      let schema: unknown = { type: 'string' };
      for (let i = 0; i < 16; i++) {
        schema = { properties: { a: schema } };
      }
      expect(
        parseError({ format: 'jsonschema', schema: json(schema) }).message,
      ).toContain('more than 32 levels deep');
    });

    it("reports the meta-schema's complaint with its path", () => {
      const schema = json({
        type: 'object',
        properties: { price: { type: 'decimal' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        '/properties/price/type must be equal to one of the allowed values',
      );
    });

    it('checks against the declared draft: a draft-04 boolean exclusiveMinimum is invalid in draft-07', () => {
      const schema = json({
        $schema: 'http://json-schema.org/draft-07/schema#',
        minimum: 0,
        exclusiveMinimum: true,
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        'Invalid JSON Schema (draft-07): /exclusiveMinimum must be number',
      );
    });

    it('rejects references outside the document', () => {
      const schema = json({
        properties: { user: { $ref: 'https://example.com/user.json' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/properties/user/$ref: 'https://example.com/user.json' points outside this schema; only in-document references ('#...') are supported",
      );
      expect(
        parseError({
          format: 'jsonschema',
          schema: json({ $ref: 'user.json#/a' }),
        }).message,
      ).toContain('only in-document references');
    });

    it('rejects in-document references that lead nowhere', () => {
      expect(
        parseError({
          format: 'jsonschema',
          schema: json({ $ref: '#/definitions/missing' }),
        }).message,
      ).toContain(
        "/$ref: '#/definitions/missing' does not point to a schema in this document",
      );
    });

    it('rejects embedded schema resources (a nested $id)', () => {
      const schema = json({
        properties: {
          a: { $id: 'https://example.com/a.json', type: 'string' },
        },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/properties/a/$id: embedded schema resources (a nested '$id') are not supported",
      );
    });

    it('rejects a schema that is neither an object nor a boolean', () => {
      expect(parseError({ format: 'jsonschema', schema: '[1]' }).message).toBe(
        'A JSON Schema must be an object or a boolean, not an array',
      );
      expect(
        parseError({ format: 'jsonschema', schema: '"string"' }).message,
      ).toBe('A JSON Schema must be an object or a boolean, not a string');
    });

    it('rejects patterns that may backtrack exponentially', () => {
      const schema = json({
        properties: { email: { type: 'string', pattern: '^(\\w+\\s?)*$' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/properties/email/pattern: pattern '^(\\w+\\s?)*$' could take exponential time to match",
      );
    });

    it('rejects unsafe patternProperties keys, naming the escaped path', () => {
      const schema = json({
        patternProperties: { '(a+)+/x': { type: 'string' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/patternProperties/(a+)+~1x: pattern '(a+)+/x' could take exponential time",
      );
    });

    it('rejects patterns over maxPatternLength', () => {
      const schema = json({ pattern: 'a'.repeat(11) });
      expect(
        parseError({
          format: 'jsonschema',
          schema,
          limits: { maxPatternLength: 10 },
        }).message,
      ).toContain(
        '/pattern: pattern is 11 characters long, over the limit of 10 (maxPatternLength)',
      );
    });

    it("rejects patterns that are not JavaScript regular expressions with the 'u' flag", () => {
      const schema = json({ pattern: '\\p{NoSuchProperty}' });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/pattern: pattern '\\p{NoSuchProperty}' is not a valid regular expression (JavaScript, 'u' flag)",
      );
    });

    it('accepts Unicode property escapes, which need the u flag', () => {
      expect(
        parseSchema({
          format: 'jsonschema',
          schema: json({ pattern: '^\\p{L}+$' }),
        }).format,
      ).toBe('jsonschema');
    });

    it("reports avsc's message for an invalid Avro schema", () => {
      const schema = json({
        type: 'record',
        name: 'E',
        fields: [{ name: 'a', type: 'User' }],
      });
      expect(parseError({ format: 'avro', schema }).message).toBe(
        'Invalid Avro schema: undefined type name: User',
      );
      const badDefault = json({
        type: 'record',
        name: 'E',
        fields: [{ name: 'a', type: 'int', default: 'x' }],
      });
      expect(
        parseError({ format: 'avro', schema: badDefault }).message,
      ).toContain('Invalid Avro schema: incompatible field default');
    });
  });

  describe('Avro', () => {
    it('returns the avsc type and the normalized JSON', () => {
      const parsed = parseSchema({
        format: 'avro',
        schema: json({
          type: 'record',
          name: 'Click',
          namespace: 'com.acme',
          fields: [{ name: 'url', type: { type: 'string' } }],
        }),
      });
      expect(parsed).toMatchObject({
        format: 'avro',
        type: { name: 'com.acme.Click' },
        json: {
          type: 'record',
          name: 'com.acme.Click',
          fields: [{ name: 'url', type: 'string' }],
        },
      });
    });
  });
});
