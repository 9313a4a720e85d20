import { listFields } from '../schema';
import { checkPersonalData, keptDataSubjectProblem } from './personalData';

// The registry's wording of each rule is tested in event-schemas-backend
// (registry/personalData.test.ts); here, what the shared rules answer.
const fields = listFields({
  format: 'jsonschema',
  schema: JSON.stringify({
    type: 'object',
    properties: {
      user_id: { type: 'string' },
      age: { type: 'integer' },
      tracks: {
        type: 'array',
        items: { type: 'object', properties: { owner: { type: 'string' } } },
      },
    },
  }),
});

describe('checkPersonalData', () => {
  it('answers the fields with the data subject among them', () => {
    expect(
      checkPersonalData({
        personalDataFields: ['age'],
        dataSubject: 'user_id',
        fields,
      }),
    ).toEqual({ personalDataFields: ['age', 'user_id'] });
  });

  it('answers the first problem with the field at fault', () => {
    expect(
      checkPersonalData({
        personalDataFields: ['email'],
        dataSubject: 'user_id',
        fields,
      }),
    ).toEqual({
      problem: {
        field: 'personalDataFields',
        message: expect.stringMatching(/^personalDataFields: 'email' is not/),
      },
    });
    expect(
      checkPersonalData({
        personalDataFields: ['age'],
        dataSubject: undefined,
        fields,
      }),
    ).toEqual({
      problem: {
        field: 'dataSubject',
        message: expect.stringMatching(/^dataSubject: required/),
      },
    });
    expect(
      checkPersonalData({
        personalDataFields: [],
        dataSubject: 'tracks[].owner',
        fields,
      }),
    ).toEqual({
      problem: {
        field: 'dataSubject',
        message: expect.stringMatching(/inside an array or a map/),
      },
    });
  });

  it('keeps the data subject across versions', () => {
    expect(keptDataSubjectProblem({ dataSubject: 'user_id', fields })).toBe(
      undefined,
    );
    expect(keptDataSubjectProblem({ dataSubject: 'age', fields })).toMatch(
      /^dataSubject: 'age', the type's data subject, is of type integer/,
    );
  });
});
