import { listFields } from '@data-collection/plugin-event-schemas-common';
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
        schemaFields: [
          { path: 'user_id', name: 'user_id', type: 'string', required: true },
        ],
      }),
    ).toEqual({
      name: 'must be 1 to 128 letters, digits, dots, dashes or underscores, start with a letter or digit and not end with a dot, e.g. com.example.playback.started',
      owner:
        "must be a catalog group, e.g. group:default/playback; got kind 'user'",
      lifecycle:
        'must be a word such as experimental, production or deprecated',
      tags: "'Mobile': must be lowercase letters, digits, +, #, : separated by single dashes",
      'retention.raw': 'must be an ISO 8601 duration such as P30D or PT4H',
      'sla.maxLateness': 'must be an ISO 8601 duration such as P30D or PT4H',
      personalDataFields: 'no longer in the schema: email',
      dataSubject:
        'is required when a field holds personal data: choose the field that identifies the person an event is about',
    });
  });

  it('checks the personal data with the registry rules', () => {
    const schemaFields = listFields({
      format: 'jsonschema',
      schema: JSON.stringify({
        properties: {
          user: {
            properties: {
              id: { type: 'string' },
              email: { type: 'string' },
              age: { type: 'integer' },
            },
          },
          tracks: {
            type: 'array',
            items: { properties: { owner: { type: 'string' } } },
          },
        },
      }),
    });
    const check = (personalDataFields: string[], dataSubject: string) =>
      checkValues({
        values: {
          ...initialValues(),
          name: 'com.example.signed-up',
          owner: 'group:default/accounts',
          personalDataFields,
          dataSubject,
        },
        schemaFields,
      });

    expect(check(['user.email', 'user.id'], 'user.id')).toEqual({});
    expect(check([], '')).toEqual({});
    expect(check(['user.email'], '')).toEqual({
      dataSubject:
        'is required when a field holds personal data: choose the field that identifies the person an event is about',
    });
    expect(check(['user.age'], 'user.age')).toEqual({
      dataSubject:
        'must be a string field outside arrays and maps: an event is about one person',
    });
    expect(check(['tracks[].owner'], 'tracks[].owner')).toEqual({
      dataSubject:
        'must be a string field outside arrays and maps: an event is about one person',
    });
    expect(check(['user_id'], 'user_id')).toEqual({
      personalDataFields: 'no longer in the schema: user_id',
      dataSubject: 'is no longer in the schema: user_id',
    });
    expect(check(['user', 'user.id'], 'user.id')).toEqual({
      personalDataFields:
        "'user' holds the data subject, which stays readable as a pseudonym: mark the other fields of user instead",
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
    expect(
      toNewEventType({
        ...initialValues(),
        personalDataFields: ['user_id'],
        dataSubject: 'user_id',
      }),
    ).toMatchObject({
      personalDataFields: ['user_id'],
      dataSubject: 'user_id',
    });
    expect(
      toNewEventType({ ...initialValues(), compatibilityScope: 'CONSUMERS' }),
    ).toMatchObject({ compatibilityScope: 'CONSUMERS' });
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
