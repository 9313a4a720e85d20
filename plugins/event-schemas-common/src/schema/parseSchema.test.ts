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

    it('does not look for schema keywords inside data such as enum values', () => {
      const schema = json({
        enum: [{ $ref: '#/nowhere', pattern: '(a)\\1', $id: 'x' }],
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
        "/properties/user/$ref: 'https://example.com/user.json' points outside this schema; only in-document references ('#...') and references to versions registered in this registry",
      );
      expect(
        parseError({
          format: 'jsonschema',
          schema: json({ $ref: 'user.json#/a' }),
        }).message,
      ).toContain('only in-document references');
    });

    // Nothing a schema names is fetched, by the registry or by any tool that
    // reads the schema later: a reference to elsewhere is refused wherever
    // it is, even in data that no validator resolves.
    it.each([
      ['a $ref in examples', { examples: [{ $ref: 'https://evil.test/a' }] }],
      ['a $ref in default', { default: { $ref: '//evil.test/a' } }],
      ['a $ref in an enum value', { enum: [{ $ref: 'http://evil.test/a' }] }],
      ['a $ref in an unknown keyword', { 'x-ui': { a: { $ref: 'b.json' } } }],
      ['a $dynamicRef', { $dynamicRef: 'https://evil.test/a#node' }],
      ['a $recursiveRef', { properties: { a: { $recursiveRef: 'x.json' } } }],
      ['a $ref under $defs', { $defs: { a: { $ref: 'file:///etc/passwd' } } }],
    ])('rejects %s that points outside the document', (_name, schema) => {
      expect(
        parseError({ format: 'jsonschema', schema: json(schema) }).message,
      ).toMatch(/'[^']+' points outside this schema/);
    });

    it('rejects $schema naming a meta-schema it would have to fetch, anywhere', () => {
      expect(
        parseError({
          format: 'jsonschema',
          schema: json({ $schema: 'https://evil.test/meta.json' }),
        }).message,
      ).toContain(
        "/$schema: 'https://evil.test/meta.json' is not a meta-schema the registry knows",
      );
      expect(
        parseError({
          format: 'jsonschema',
          schema: json({ examples: [{ $schema: 'https://evil.test/m' }] }),
        }).message,
      ).toContain("/examples/0/$schema: 'https://evil.test/m' is not");
    });

    it('rejects definitions that multiply when their references are followed', () => {
      const definitions: Record<string, unknown> = { d30: { type: 'object' } };
      for (let i = 0; i < 30; i++) {
        const next = { $ref: `#/definitions/d${i + 1}` };
        definitions[`d${i}`] = { properties: { x: next, y: next } };
      }
      const schema = json({ definitions, $ref: '#/definitions/d0' });
      const start = performance.now();
      expect(
        parseError({ format: 'jsonschema', schema, limits: { maxDepth: 64 } })
          .message,
      ).toContain(
        'following its references, the schema expands to more than 100000 subschemas',
      );
      // Counting stops at the limit: 2^30 would take hours.
      expect(performance.now() - start).toBeLessThan(5000);
    });

    it('accepts recursion and definitions shared by many properties', () => {
      const address = {
        type: 'object',
        properties: Object.fromEntries(
          ['street', 'city', 'zip', 'country'].map(k => [
            k,
            { type: 'string' },
          ]),
        ),
      };
      const schema = json({
        definitions: {
          address,
          node: {
            type: 'object',
            properties: {
              left: { $ref: '#/definitions/node' },
              right: { $ref: '#/definitions/node' },
              where: { $ref: '#/definitions/address' },
            },
          },
        },
        properties: {
          ...Object.fromEntries(
            Array.from({ length: 200 }, (_, i) => [
              `a${i}`,
              { $ref: '#/definitions/address' },
            ]),
          ),
          tree: { $ref: '#/definitions/node' },
        },
      });
      expect(parseSchema({ format: 'jsonschema', schema }).format).toBe(
        'jsonschema',
      );
    });

    it('rejects a reference into data, which is not a schema position', () => {
      const schema = json({
        'x-shapes': { node: { type: 'object' } },
        examples: [{ type: 'string' }],
        properties: {
          a: { $ref: '#/x-shapes/node' },
          b: { $ref: '#/examples/0' },
        },
      });
      const { message } = parseError({ format: 'jsonschema', schema });
      expect(message).toContain(
        "/properties/a/$ref: '#/x-shapes/node' points to a value that is not in a schema position",
      );
      expect(message).toContain("/properties/b/$ref: '#/examples/0' points");
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

    it('rejects patterns that RE2 cannot run: backreferences and lookaround', () => {
      const schema = json({
        properties: { word: { type: 'string', pattern: '^(\\w)\\1$' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/properties/word/pattern: pattern '^(\\w)\\1$' cannot run in linear time (invalid escape sequence: `\\1`): RE2, the engine patterns run on, has no backreferences or lookaround",
      );
      for (const pattern of ['^(?=a)', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
        expect(
          parseError({ format: 'jsonschema', schema: json({ pattern }) })
            .message,
        ).toContain('cannot run in linear time');
      }
    });

    it('rejects patternProperties keys RE2 cannot run, naming the escaped path', () => {
      const schema = json({
        patternProperties: { '(a)\\1/x': { type: 'string' } },
      });
      expect(parseError({ format: 'jsonschema', schema }).message).toContain(
        "/patternProperties/(a)\\1~1x: pattern '(a)\\1/x' cannot run in linear time",
      );
    });

    it('accepts patterns with nested quantifiers, which RE2 runs in linear time', () => {
      for (const pattern of ['^(\\w+\\s?)*$', '(a+)+', '^(\\w|\\d)*!$']) {
        expect(
          parseSchema({ format: 'jsonschema', schema: json({ pattern }) })
            .format,
        ).toBe('jsonschema');
      }
    });

    // Real patterns from Snowplow's Iglu Central that the former heuristic
    // (safe-regex2) refused as "could take exponential time".
    it.each([
      [
        'a session id (com.snowplowanalytics.snowplow/client_session)',
        '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$|^[0-9a-f]{16}$',
      ],
      [
        'a semantic version (com.snowplowanalytics.datamodeling/config)',
        '^(0|[1-9][0-9]{0,1})\\.(0|[1-9][0-9]{0,1})\\.(0|[1-9][0-9]{0,1})(-rc[0-9]{1,2}){0,1}$',
      ],
      [
        'a base64 body (com.urbanairship.connect/CUSTOM)',
        '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$',
      ],
      [
        'an Iglu URI (com.snowplowanalytics.snowplow.enrichments/api_request_enrichment_config)',
        '^iglu:([a-zA-Z0-9-_.]+)/([a-zA-Z0-9-_]+)/([a-zA-Z0-9-_]+)/([1-9][0-9]*(?:-(?:0|[1-9][0-9]*)){2})$',
      ],
    ])('accepts %s', (_name, pattern) => {
      const schema = json({
        $schema:
          'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
        type: 'object',
        properties: { value: { type: 'string', pattern } },
        patternProperties: { [pattern]: { type: 'string' } },
      });
      expect(parseSchema({ format: 'jsonschema', schema }).format).toBe(
        'jsonschema',
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

    it('accepts \\u escapes, which RE2 writes \\x{...}', () => {
      expect(
        parseSchema({
          format: 'jsonschema',
          schema: json({ pattern: '^[\\u0041-\\u005a\\u{1F600}]+$' }),
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
