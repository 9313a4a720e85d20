import { CompatibilityProblem } from '../types';
import {
  compatibilityImpact,
  parseFieldsRead,
  problemAffects,
} from './consumerImpact';

describe('parseFieldsRead', () => {
  it('splits, trims and drops empty entries', () => {
    expect(parseFieldsRead(' track_id, ms_played ,,user.id')).toEqual([
      'track_id',
      'ms_played',
      'user.id',
    ]);
  });

  it('reads every field without the annotation or with an empty one', () => {
    expect(parseFieldsRead(undefined)).toBeUndefined();
    expect(parseFieldsRead(' , ')).toBeUndefined();
  });
});

describe('problemAffects', () => {
  it.each([
    ['user.email', ['user.email'], true],
    ['user.email', ['user'], true],
    ['user', ['user.email'], true],
    ['contacts[].email', ['contacts.email'], true],
    ['contacts', ['contacts[].email'], true],
    ['', ['track_id'], true],
    ['user.email', ['user.emails'], false],
    ['user.email', ['track_id', 'user.id'], false],
    ['username', ['user'], false],
  ])('%s read as %j: %s', (field, fieldsRead, affected) => {
    expect(problemAffects({ field, fieldsRead })).toBe(affected);
  });

  it('affects a consumer that reads every field', () => {
    expect(problemAffects({ field: 'anything' })).toBe(true);
  });
});

describe('compatibilityImpact', () => {
  const problem = (field: string): CompatibilityProblem => ({
    field,
    rule: 'type',
    message: `/properties/${field}: type narrowed`,
  });
  const analytics = {
    entityRef: 'component:default/analytics',
    title: 'Analytics',
    owner: 'group:default/data',
    fieldsRead: ['track_id', 'ms_played'],
  };
  const archive = { entityRef: 'component:default/archive' };

  it('maps each problem to the consumers it breaks', () => {
    const impact = compatibilityImpact({
      problems: [problem('track_id'), problem('country')],
      consumers: [analytics, archive],
    });
    expect(impact.problems).toEqual([
      { ...problem('track_id'), consumers: [analytics, archive] },
      { ...problem('country'), consumers: [archive] },
    ]);
    expect(impact.affectingNobody).toEqual([]);
    expect(impact.consumers).toEqual([analytics, archive]);
  });

  it('lists the problems that break no consumer', () => {
    const impact = compatibilityImpact({
      problems: [problem('track_id'), problem('country')],
      consumers: [analytics],
    });
    expect(impact.affectingNobody).toEqual([problem('country')]);
    expect(impact.problems[1].consumers).toEqual([]);
  });

  it('without consumers, no problem affects anyone', () => {
    const impact = compatibilityImpact({
      problems: [problem('track_id')],
      consumers: [],
    });
    expect(impact.affectingNobody).toEqual([problem('track_id')]);
  });
});
