import { InputError } from '@backstage/errors';
import { listFields } from '@data-collection/plugin-event-schemas-common';
import { checkPersonalData, keptDataSubjectProblem } from './personalData';

const fields = listFields({
  format: 'jsonschema',
  schema: JSON.stringify({
    type: 'object',
    properties: {
      user: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          email: { type: 'string' },
          age: { type: 'integer' },
        },
      },
      account_id: { type: ['string', 'null'] },
      tracks: {
        type: 'array',
        items: { type: 'object', properties: { owner: { type: 'string' } } },
      },
    },
  }),
});

const avroFields = listFields({
  format: 'avro',
  schema: JSON.stringify({
    type: 'record',
    name: 'Play',
    fields: [
      { name: 'user_id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'tags', type: { type: 'map', values: 'string' } },
    ],
  }),
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('checkPersonalData', () => {
  it('adds the data subject to the personal data fields, once', () => {
    expect(
      checkPersonalData({
        personalDataFields: ['user.email'],
        dataSubject: 'user.id',
        fields,
      }),
    ).toEqual(['user.email', 'user.id']);
    expect(
      checkPersonalData({
        personalDataFields: ['user.id', 'user.email'],
        dataSubject: 'user.id',
        fields,
      }),
    ).toEqual(['user.id', 'user.email']);
    expect(
      checkPersonalData({
        personalDataFields: [],
        dataSubject: 'user.id',
        fields,
      }),
    ).toEqual(['user.id']);
  });

  it('needs no data subject without personal data', () => {
    expect(
      checkPersonalData({
        personalDataFields: [],
        dataSubject: undefined,
        fields,
      }),
    ).toEqual([]);
  });

  it('accepts a nullable string, and an Avro uuid', () => {
    expect(
      checkPersonalData({
        personalDataFields: [],
        dataSubject: 'account_id',
        fields,
      }),
    ).toEqual(['account_id']);
    expect(
      checkPersonalData({
        personalDataFields: [],
        dataSubject: 'user_id',
        fields: avroFields,
      }),
    ).toEqual(['user_id']);
  });

  it('refuses personal data fields the schema does not have', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: ['email'],
          dataSubject: 'user.id',
          fields,
        }),
      ),
    ).toBe(
      "personalDataFields: 'email' is not a field of the schema; its fields are: user, user.id, user.email, user.age, account_id, tracks, tracks[].owner",
    );
  });

  it('requires a data subject with personal data, naming the candidates', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: ['user.email'],
          dataSubject: undefined,
          fields,
        }),
      ),
    ).toBe(
      'dataSubject: required when personalDataFields is set: name the string field that identifies the person an event is about, e.g. user_id; its string fields outside arrays and maps are: user.id, user.email, account_id',
    );
  });

  it('refuses a data subject that is not a field of the schema', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: [],
          dataSubject: 'user_id',
          fields,
        }),
      ),
    ).toMatch(
      /^dataSubject: 'user_id' is not a field of the schema; its string fields outside arrays and maps are: user\.id, /,
    );
  });

  it('refuses a data subject that is not a string', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: [],
          dataSubject: 'user.age',
          fields,
        }),
      ),
    ).toMatch(
      /^dataSubject: 'user\.age' is of type integer, not a string: the data subject must be a string field \(a nullable one will do\); /,
    );
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: [],
          dataSubject: 'user',
          fields,
        }),
      ),
    ).toMatch(/^dataSubject: 'user' is of type object, not a string/);
  });

  it('refuses a data subject inside an array or a map: an event is about one person', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: [],
          dataSubject: 'tracks[].owner',
          fields,
        }),
      ),
    ).toMatch(
      /^dataSubject: 'tracks\[\]\.owner' is inside an array or a map, but an event is about one person: name a field outside arrays and maps; /,
    );
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: [],
          dataSubject: 'tags.{}',
          fields: [
            ...avroFields,
            { path: 'tags.{}', name: '{}', type: 'string', required: true },
          ],
        }),
      ),
    ).toMatch(/^dataSubject: 'tags\.\{\}' is inside an array or a map/);
  });

  it('refuses a personal data field that contains the data subject, which must stay readable', () => {
    expect(
      refusal(() =>
        checkPersonalData({
          personalDataFields: ['user'],
          dataSubject: 'user.id',
          fields,
        }),
      ),
    ).toBe(
      "personalDataFields: 'user' contains the data subject 'user.id', which is stored as a pseudonym and must stay readable: mark the other fields of 'user' as personal instead",
    );
  });
});

describe('keptDataSubjectProblem', () => {
  it('accepts a schema that keeps the data subject as a string, or a type without one', () => {
    expect(
      keptDataSubjectProblem({ dataSubject: 'user.id', fields }),
    ).toBeUndefined();
    expect(
      keptDataSubjectProblem({ dataSubject: undefined, fields: [] }),
    ).toBeUndefined();
  });

  it('refuses a schema that lost the data subject or changed its type', () => {
    expect(keptDataSubjectProblem({ dataSubject: 'user_id', fields })).toBe(
      "dataSubject: 'user_id', the type's data subject, is missing in this schema: every version must keep it as a string field, since ingest replaces it with the person's pseudonym; to move the subject to another field, register a version that has both, change dataSubject, then drop the old field",
    );
    expect(keptDataSubjectProblem({ dataSubject: 'user.age', fields })).toMatch(
      /^dataSubject: 'user\.age', the type's data subject, is of type integer in this schema/,
    );
  });
});
