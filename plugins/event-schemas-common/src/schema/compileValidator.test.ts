import { compileValidator } from './compileValidator';
import { SchemaError } from './SchemaError';

const jsonValidator = (schema: unknown) =>
  compileValidator({ format: 'jsonschema', schema: JSON.stringify(schema) });
const avroValidator = (schema: unknown) =>
  compileValidator({ format: 'avro', schema: JSON.stringify(schema) });

describe('compileValidator', () => {
  describe('JSON Schema', () => {
    const validate = jsonValidator({
      type: 'object',
      required: ['price'],
      properties: {
        price: { type: 'number' },
        email: { type: 'string', format: 'email' },
      },
      additionalProperties: false,
    });

    it('accepts valid data', () => {
      expect(validate({ price: 9.99, email: 'a@example.com' })).toEqual({
        valid: true,
        errors: [],
      });
    });

    it('reports every error with its path', () => {
      expect(validate({ price: '9.99', email: 'nope', extra: 1 })).toEqual({
        valid: false,
        errors: [
          "/ must NOT have additional properties ('extra')",
          '/price must be number',
          '/email must match format "email"',
        ],
      });
      expect(validate({})).toEqual({
        valid: false,
        errors: ["/ must have required property 'price'"],
      });
    });

    it('can be reused: results do not leak between calls', () => {
      expect(validate({ price: 'x' }).valid).toBe(false);
      expect(validate({ price: 1 })).toEqual({ valid: true, errors: [] });
    });

    it.each([
      [
        'draft-04',
        'http://json-schema.org/draft-04/schema#',
        { minimum: 0, exclusiveMinimum: true },
        1,
        0,
        '/ must be > 0',
      ],
      [
        'draft-06',
        'http://json-schema.org/draft-06/schema#',
        { const: 'a' },
        'a',
        'b',
        '/ must be equal to constant',
      ],
      [
        'draft-07',
        'http://json-schema.org/draft-07/schema#',
        { if: { type: 'string' }, then: { maxLength: 2 } },
        'ab',
        'abc',
        '/ must NOT have more than 2 characters',
      ],
      [
        '2019-09',
        'https://json-schema.org/draft/2019-09/schema',
        { properties: { a: {} }, unevaluatedProperties: false },
        { a: 1 },
        { a: 1, b: 2 },
        '/ must NOT have unevaluated properties',
      ],
      [
        '2020-12',
        'https://json-schema.org/draft/2020-12/schema',
        { prefixItems: [{ type: 'string' }], items: false },
        ['a'],
        ['a', 'b'],
        '/ must NOT have more than 1 items',
      ],
      [
        'Snowplow (read as draft-07)',
        'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
        { self: { version: '1-0-0' }, type: 'string', maxLength: 3 },
        'abc',
        'abcd',
        '/ must NOT have more than 3 characters',
      ],
    ])(
      'validates with %s semantics',
      (_draft, uri, rest, valid, invalid, error) => {
        const check = jsonValidator({ $schema: uri, ...rest });
        expect(check(valid)).toEqual({ valid: true, errors: [] });
        expect(check(invalid).errors).toContain(error);
      },
    );

    it('throws a SchemaError for an invalid schema', () => {
      expect(() =>
        compileValidator({ format: 'jsonschema', schema: '{"type":"nope"}' }),
      ).toThrow(SchemaError);
    });
  });

  describe('Avro', () => {
    const validate = avroValidator({
      type: 'record',
      name: 'Play',
      fields: [
        {
          name: 'user',
          type: {
            type: 'record',
            name: 'User',
            fields: [{ name: 'id', type: 'string' }],
          },
        },
        { name: 'name', type: ['null', 'string'] },
        { name: 'ms', type: 'long' },
        { name: 'count', type: 'int', default: 0 },
        {
          name: 'kind',
          type: { type: 'enum', name: 'Kind', symbols: ['SONG', 'AD'] },
        },
        { name: 'hash', type: { type: 'fixed', name: 'Md5', size: 4 } },
        { name: 'payload', type: 'bytes' },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'scores', type: { type: 'map', values: 'double' } },
      ],
    });
    const valid = {
      user: { id: 'u1' },
      name: null,
      ms: 2 ** 60,
      kind: 'SONG',
      hash: '\u0000\u00ff\u0010a',
      payload: 'raw\u00e9',
      tags: ['a'],
      scores: { x: 1.5 },
    };

    it('accepts natural JSON: plain union values, longs past 2^53, bytes and fixed as strings, defaults for missing fields', () => {
      expect(validate(valid)).toEqual({ valid: true, errors: [] });
      expect(validate({ ...valid, name: 'Ada' })).toEqual({
        valid: true,
        errors: [],
      });
    });

    it('reports errors by path', () => {
      expect(validate({ ...valid, user: { id: 42 } }).errors).toEqual([
        '/user/id: expected string, got a number',
      ]);
      expect(validate({ ...valid, name: 42 }).errors).toEqual([
        '/name: expected null|string, got a number',
      ]);
      expect(validate({ ...valid, ms: 1.5 }).errors).toEqual([
        '/ms: expected long, got a number',
      ]);
      expect(validate({ ...valid, count: 2 ** 31 }).errors).toEqual([
        '/count: expected int, got a number',
      ]);
      expect(validate({ ...valid, kind: 'PODCAST' }).errors).toEqual([
        '/kind: expected a symbol of enum Kind (SONG, AD), got a string',
      ]);
      expect(validate({ ...valid, hash: 'abc' }).errors[0]).toMatch(
        /^\/hash: expected fixed Md5 \(a string of 4 characters/,
      );
      expect(validate({ ...valid, payload: '\u20ac' }).errors[0]).toMatch(
        /^\/payload: expected bytes/,
      );
      expect(validate({ ...valid, tags: ['a', 1] }).errors).toEqual([
        '/tags/1: expected string, got a number',
      ]);
      expect(validate({ ...valid, scores: { x: 'high' } }).errors).toEqual([
        '/scores/x: expected double, got a string',
      ]);
    });

    it('says what kind of value it found, never the value, which may be personal', () => {
      const check = avroValidator({
        type: 'record',
        name: 'Signup',
        fields: [
          { name: 'email', type: 'int' },
          { name: 'name', type: ['null', 'int'] },
          { name: 'address', type: 'string' },
          { name: 'phones', type: { type: 'array', items: 'string' } },
          { name: 'consent', type: 'string' },
        ],
      });
      const { errors } = check({
        email: 'alice@example.com',
        name: 'Alice Liddell',
        address: { street: '1 Rabbit Hole' },
        phones: '+44 20 7946 0000',
        consent: true,
      });
      expect(errors).toEqual([
        '/email: expected int, got a string',
        '/name: expected null|int, got a string',
        '/address: expected string, got an object',
        '/phones: expected array<string>, got a string',
        '/consent: expected string, got a boolean',
      ]);
      expect(
        check({ email: 1, address: 'x', phones: [null], consent: 'y' }),
      ).toEqual({
        valid: false,
        errors: [
          '/name: missing, and the field has no default',
          '/phones/0: expected string, got null',
        ],
      });
    });

    it('requires fields without a default and rejects undeclared ones', () => {
      const { user: _user, ...withoutUser } = valid;
      expect(validate({ ...withoutUser, extra: true }).errors).toEqual([
        '/user: missing, and the field has no default',
        '/extra: field not declared in record Play',
      ]);
    });

    it('reads a union of two records as whichever record fits', () => {
      const check = avroValidator([
        {
          type: 'record',
          name: 'Song',
          fields: [{ name: 'title', type: 'string' }],
        },
        {
          type: 'record',
          name: 'Ad',
          fields: [{ name: 'seconds', type: 'int' }],
        },
      ]);
      expect(check({ title: 'x' }).valid).toBe(true);
      expect(check({ seconds: 30 }).valid).toBe(true);
      expect(check({ title: 1 }).errors).toEqual([
        '/: expected record Song|record Ad, got an object',
      ]);
    });

    it('shows the errors of the one branch of the right shape', () => {
      const check = avroValidator([
        'null',
        {
          type: 'record',
          name: 'User',
          fields: [{ name: 'id', type: 'string' }],
        },
      ]);
      expect(check({ id: 1 }).errors).toEqual([
        '/id: expected string, got a number',
      ]);
    });
  });

  // Each of these, without the bounds, blocks the event loop for seconds to
  // hours or exhausts the heap (see validationWork).
  describe('bounded work', () => {
    /** An event nested `depth` levels deep through property `a`. */
    const nested = (depth: number, bottom: unknown = {}): unknown => {
      let value = bottom;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value;
    };
    // Generous, for a busy machine: without the bounds these take hours.
    const BUSY_MACHINE_MS = 5000;
    const timed = <T>(run: () => T) => {
      const start = performance.now();
      const result = run();
      return { result, ms: performance.now() - start };
    };

    it('matches patterns in linear time', () => {
      const check = jsonValidator({ type: 'string', pattern: '^(\\w|\\d)*!$' });
      // About 16 s with a backtracking engine; 2^32 steps.
      const { result, ms } = timed(() => check('1'.repeat(32)));
      expect(result.valid).toBe(false);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
      expect(check(`${'1'.repeat(32)}!`).valid).toBe(true);
      const long = timed(() => check('1'.repeat(200_000)));
      expect(long.result.valid).toBe(false);
      expect(long.ms).toBeLessThan(BUSY_MACHINE_MS);
    });

    it('matches patternProperties and \\u escapes with the same engine', () => {
      const check = jsonValidator({
        type: 'object',
        patternProperties: { '^(\\w|\\d)*!$': { type: 'number' } },
        properties: { name: { type: 'string', pattern: '^\\u0041\\u{42}$' } },
      });
      const { result, ms } = timed(() => check({ ['1'.repeat(32)]: 'x' }));
      expect(result.valid).toBe(true);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
      expect(check({ '12!': 'x' }).valid).toBe(false);
      expect(check({ name: 'AB' }).valid).toBe(true);
      expect(check({ name: 'Ab' }).valid).toBe(false);
    });

    it('stops recursion through two oneOf branches that both fit', () => {
      const check = jsonValidator({
        $defs: {
          n: {
            oneOf: [
              { type: 'object', properties: { a: { $ref: '#/$defs/n' } } },
              { type: 'object', properties: { a: { $ref: '#/$defs/n' } } },
            ],
          },
        },
        $ref: '#/$defs/n',
      });
      // 2^40 evaluations, and as many errors kept, without the meter.
      const { result, ms } = timed(() => check(nested(40)));
      expect(result.valid).toBe(false);
      // Stopped by whichever bound it reaches first: work or problems.
      expect(result.errors).toEqual([
        expect.stringMatching(/^Validation stopped/),
      ]);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
    });

    it.each([
      'http://json-schema.org/draft-04/schema#',
      'http://json-schema.org/draft-06/schema#',
      'http://json-schema.org/draft-07/schema#',
      'https://json-schema.org/draft/2019-09/schema',
      'https://json-schema.org/draft/2020-12/schema',
    ])('meters every draft (%s)', $schema => {
      const node = { $ref: '#/definitions/n' };
      const check = jsonValidator({
        $schema,
        definitions: {
          n: {
            type: 'object',
            allOf: [{ properties: { a: node } }, { properties: { a: node } }],
          },
        },
        ...node,
      });
      const { result, ms } = timed(() => check(nested(40)));
      expect(result.errors[0]).toMatch(
        /^Validation stopped: the schema needed/,
      );
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
    });

    it('stops a chain of definitions that each reference the next twice, recursively', () => {
      // 2^12 evaluations per level of the event: under the registry's
      // bound on expansion (see parseSchema), 2^120 for 10 levels.
      const defs: Record<string, unknown> = {
        d12: { type: 'array', items: { $ref: '#/definitions/d0' } },
      };
      for (let i = 0; i < 12; i++) {
        const next = { $ref: `#/definitions/d${i + 1}` };
        // allOf evaluates every branch; anyOf would stop at the first.
        defs[`d${i}`] = { allOf: [next, next] };
      }
      const check = jsonValidator({
        definitions: defs,
        $ref: '#/definitions/d0',
      });
      let event: unknown = [];
      for (let i = 0; i < 10; i++) event = [event];
      const { result, ms } = timed(() => check(event));
      expect(result.errors[0]).toMatch(/^Validation stopped/);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
    });

    it('lets useful recursion through a fitting union validate big events', () => {
      const check = jsonValidator({
        $defs: {
          tree: {
            type: 'object',
            required: ['kind'],
            oneOf: [
              {
                properties: {
                  kind: { const: 'leaf' },
                  value: { type: 'number' },
                },
              },
              {
                properties: {
                  kind: { const: 'node' },
                  children: { type: 'array', items: { $ref: '#/$defs/tree' } },
                },
              },
            ],
          },
        },
        $ref: '#/$defs/tree',
      });
      const leaves = Array.from({ length: 5000 }, (_, i) => ({
        kind: 'leaf',
        value: i,
      }));
      const tree = {
        kind: 'node',
        children: [{ kind: 'node', children: leaves }, ...leaves],
      };
      expect(check(tree)).toEqual({ valid: true, errors: [] });
    });

    it('checks uniqueItems in linear time, objects equal whatever their key order', () => {
      const check = jsonValidator({ type: 'array', uniqueItems: true });
      // 3.6 billion comparisons of pairs with Ajv's own uniqueItems.
      const distinct = Array.from({ length: 85_000 }, (_, i) => ({ i }));
      const { result, ms } = timed(() => check(distinct));
      expect(result).toEqual({ valid: true, errors: [] });
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
      expect(check([{ a: 1, b: [2] }, 'x', { b: [2], a: 1 }]).errors).toEqual([
        '/ must NOT have duplicate items (items ## 2 and 0 are identical)',
      ]);
      expect(check([1, 1.0]).valid).toBe(false);
      expect(check([[1, 2], [2, 1], { a: [1] }, { a: ['1'] }]).valid).toBe(
        true,
      );
    });

    it('reports at most 100 problems, and how many more there are', () => {
      const check = jsonValidator({
        type: 'object',
        additionalProperties: false,
      });
      const event = Object.fromEntries(
        Array.from({ length: 500 }, (_, i) => [`p${i}`, i]),
      );
      const { errors } = check(event);
      expect(errors).toHaveLength(101);
      expect(errors[100]).toBe('... and 400 more');
    });

    it('stops gathering problems before they fill the heap', () => {
      const required = Array.from({ length: 1000 }, (_, i) => `r${i}`);
      const check = jsonValidator({
        type: 'array',
        items: { type: 'object', required },
      });
      // A million problems without the bound.
      const { result, ms } = timed(() => check(Array(1000).fill({})));
      expect(result.errors).toEqual([
        'Validation stopped after more than 1000 problems; fix the first ones and validate again',
      ]);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
    });

    it('refuses to walk an event deeper than 256 levels', () => {
      const check = jsonValidator({
        $defs: {
          n: { type: 'object', properties: { a: { $ref: '#/$defs/n' } } },
        },
        $ref: '#/$defs/n',
      });
      expect(check(nested(255)).valid).toBe(true);
      expect(check(nested(100_000)).errors).toEqual([
        '/: the event nests objects and arrays more than 256 levels deep, too deep to validate',
      ]);
    });

    it('stops an Avro union of two recursive records of the same shape', () => {
      const check = avroValidator({
        type: 'record',
        name: 'A',
        fields: [
          {
            name: 'a',
            type: [
              'null',
              'A',
              {
                type: 'record',
                name: 'B',
                fields: [{ name: 'a', type: ['null', 'A', 'B'] }],
              },
            ],
          },
        ],
      });
      // The first record branch fits at every level: linear.
      const fits = timed(() => check(nested(40, { a: null })));
      expect(fits.result).toEqual({ valid: true, errors: [] });
      expect(fits.ms).toBeLessThan(BUSY_MACHINE_MS);
      // Neither fits (a string at the bottom): 2^40 without the meter.
      const { result, ms } = timed(() => check(nested(40, { a: 'x' })));
      expect(result.errors[0]).toMatch(/^Validation stopped/);
      expect(ms).toBeLessThan(BUSY_MACHINE_MS);
    });
  });
});
