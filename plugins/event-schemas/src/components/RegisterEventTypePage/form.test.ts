import { checkValues, initialValues, toNewEventType } from './form';
import { isStarterSchema, starterSchema } from './starterSchemas';
import { checkSchema } from './useSchemaCheck';

describe('the registration form', () => {
  it('checks values with the registry rules', () => {
    expect(checkValues({ values: initialValues() })).toEqual({
      name: 'is required',
      owner: 'is required',
    });
    expect(
      checkValues({
        values: {
          ...initialValues(),
          name: 'com.example play',
          owner: 'user:default/alice',
          lifecycle: 'In Production',
          tags: 'playback, Mobile',
          'retention.raw': 'seven days',
          'sla.maxLateness': 'PT0S',
          personalDataFields: ['email'],
        },
        schemaFields: ['user_id'],
      }),
    ).toEqual({
      name: 'must be 1 to 128 letters, digits, dots, dashes or underscores, e.g. com.example.playback.started',
      owner:
        "must be a catalog group, e.g. group:default/playback; got kind 'user'",
      lifecycle:
        'must be a word such as experimental, production or deprecated',
      tags: "'Mobile': must be lowercase letters, digits, +, #, : separated by single dashes",
      'retention.raw': 'must be an ISO 8601 duration such as P30D or PT4H',
      'sla.maxLateness': 'must be an ISO 8601 duration such as P30D or PT4H',
      personalDataFields: 'no longer in the schema: email',
    });
  });

  it('sends only what was filled in', () => {
    expect(
      toNewEventType({
        ...initialValues(),
        name: 'com.example.play',
        owner: ' group:default/playback ',
        tags: 'playback,  mobile-app ',
        'retention.delivered': 'P400D',
      }),
    ).toEqual({
      name: 'com.example.play',
      owner: 'group:default/playback',
      lifecycle: 'experimental',
      tags: ['playback', 'mobile-app'],
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      retention: { delivered: 'P400D' },
      schema: starterSchema('jsonschema'),
    });
  });

  it.each(['jsonschema', 'avro'] as const)(
    'starts %s with a valid schema',
    format => {
      expect(checkSchema({ format, schema: starterSchema(format) })).toEqual({
        valid: true,
        fields: [
          expect.objectContaining({ path: 'user_id' }),
          expect.objectContaining({ path: 'item_id' }),
        ],
      });
      expect(isStarterSchema(starterSchema(format))).toBe(true);
      expect(isStarterSchema('{"type":"object"}')).toBe(false);
    },
  );
});
