import { checkCompatibility } from './checkCompatibility';
import { problemField } from './problemField';

const json = (value: unknown) => JSON.stringify(value);

describe('problemField', () => {
  it.each([
    [
      '/properties/price',
      'type narrowed from number to integer',
      'price',
      'type',
    ],
    [
      '/properties/user/properties/email/maxLength',
      'lowered from 9 to 5',
      'user.email',
      'maxLength',
    ],
    [
      '/properties/contacts/items/properties/email',
      'type narrowed',
      'contacts[].email',
      'type',
    ],
    [
      '/properties/user/required',
      "property 'email' became required",
      'user.email',
      'required',
    ],
    ['/required', "property 'id' became required", 'id', 'required'],
    ['/properties/tags/prefixItems/1', 'type narrowed', 'tags[]', 'type'],
    ['/properties/id/anyOf', 'no branch accepts everything', 'id', 'anyOf'],
    ['/anyOf/1/properties/id/maxLength', 'added (5)', 'id', 'maxLength'],
    ['/then/properties/url/maxLength', 'added (100)', 'url', 'maxLength'],
    [
      '/properties/meta/additionalProperties/maxLength',
      'lowered',
      'meta',
      'additionalProperties',
    ],
    ['/properties/a~1b', 'property added', 'a/b', 'property-added'],
    [
      '/',
      'the schemas are too complex to compare (more than 9 steps)',
      '',
      'too-complex',
    ],
  ])('JSON Schema %s: %s', (path, text, field, rule) => {
    expect(problemField({ format: 'jsonschema', path, text })).toEqual({
      field,
      rule,
    });
  });

  it.each([
    [
      '/fields/price',
      'type changed from int to string, which is not a promotion',
      'price',
      'type',
    ],
    [
      '/fields/user/fields/email',
      'field added without a default',
      'user.email',
      'field-added',
    ],
    [
      '/fields/tracks/items/fields/id',
      'field removed, but',
      'tracks[].id',
      'field-removed',
    ],
    [
      '/fields/attributes/values/fields/name',
      'type changed',
      'attributes.{}.name',
      'type',
    ],
    ['/fields/kind', "enum symbol 'A' removed", 'kind', 'enum-symbol'],
    ['/', 'record name changed from A to B without an alias for A', '', 'name'],
  ])('Avro %s: %s', (path, text, field, rule) => {
    expect(problemField({ format: 'avro', path, text })).toEqual({
      field,
      rule,
    });
  });
});

describe('checkCompatibility problems', () => {
  it('gives each JSON Schema message its field, rule and text', () => {
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'BACKWARD',
      candidate: json({
        type: 'object',
        properties: {
          user: {
            type: 'object',
            properties: { email: { type: 'string', maxLength: 5 } },
            required: ['email'],
          },
          contacts: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'integer' } } },
          },
        },
      }),
      previous: [
        json({
          type: 'object',
          properties: {
            user: {
              type: 'object',
              properties: { email: { type: 'string' } },
            },
            contacts: {
              type: 'array',
              items: {
                type: 'object',
                properties: { id: { type: 'number' } },
              },
            },
          },
        }),
      ],
    });
    expect(result.compatible).toBe(false);
    expect(result.problems.map(problem => problem.message)).toEqual(
      result.messages,
    );
    expect(
      result.problems.map(({ field, rule }) => `${field} ${rule}`).sort(),
    ).toEqual([
      'contacts[].id type',
      'user.email maxLength',
      'user.email required',
    ]);
    expect(result.problems.every(problem => !('version' in problem))).toBe(
      true,
    );
  });

  it('gives each Avro message its field and rule', () => {
    const record = (fields: unknown[]) =>
      json({ type: 'record', name: 'Played', fields });
    const result = checkCompatibility({
      format: 'avro',
      mode: 'BACKWARD',
      candidate: record([
        { name: 'track_id', type: 'int' },
        { name: 'ms_played', type: 'long' },
        { name: 'country', type: 'string' },
      ]),
      previous: [
        record([
          { name: 'track_id', type: 'string' },
          { name: 'ms_played', type: 'int' },
        ]),
      ],
    });
    expect(result.problems).toEqual([
      {
        field: 'track_id',
        rule: 'type',
        message: expect.stringMatching(/^\/fields\/track_id: type changed/),
      },
      {
        field: 'country',
        rule: 'field-added',
        message: expect.stringMatching(/^\/fields\/country: field added/),
      },
    ]);
    expect(result.messages).toEqual(result.problems.map(p => p.message));
  });

  it('names the compared version when several are checked', () => {
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'BACKWARD_TRANSITIVE',
      candidate: json({
        type: 'object',
        properties: { n: { type: 'integer' } },
      }),
      previous: [
        json({ type: 'object', properties: { n: { type: 'number' } } }),
        json({ type: 'object', properties: { n: { type: 'string' } } }),
      ],
    });
    expect(
      result.problems.map(({ field, version }) => [field, version]),
    ).toEqual([
      ['n', 1],
      ['n', 2],
    ]);
    expect(result.problems[0].message).toMatch(/^version 1: \/properties\/n: /);
  });

  it('has no problems when compatible', () => {
    expect(
      checkCompatibility({
        format: 'jsonschema',
        mode: 'NONE',
        candidate: '{}',
        previous: ['{"type":"string"}'],
      }),
    ).toEqual({ compatible: true, messages: [], problems: [] });
  });
});
