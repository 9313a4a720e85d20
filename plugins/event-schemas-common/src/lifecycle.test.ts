import {
  deprecatedEventTypeNotice,
  eventTypeState,
  retiredEventTypeReason,
} from './lifecycle';

const deprecation = {
  reason: 'Replaced',
  successor: 'com.example.play.v2',
  deprecatedAt: '2026-12-01T00:00:00.000Z',
  deprecatedBy: 'user:default/jo',
  sunsetAt: '2027-01-01T00:00:00.000Z',
};

describe('eventTypeState', () => {
  it('derives the state from the deprecation', () => {
    expect(eventTypeState({})).toBe('active');
    expect(eventTypeState({ deprecation })).toBe('deprecated');
    expect(
      eventTypeState({
        deprecation: { ...deprecation, retiredAt: '2027-01-01T00:00:00Z' },
      }),
    ).toBe('retired');
  });
});

describe('retiredEventTypeReason', () => {
  it('names the successor of a retired type', () => {
    expect(
      retiredEventTypeReason({ name: 'com.example.play', deprecation }),
    ).toBeUndefined();
    expect(
      retiredEventTypeReason({
        name: 'com.example.play',
        deprecation: { ...deprecation, retiredAt: '2027-01-01T00:00:00.000Z' },
      }),
    ).toBe(
      "Event type 'com.example.play' was retired on 2027-01-01T00:00:00.000Z; send com.example.play.v2 instead",
    );
    expect(
      retiredEventTypeReason({
        name: 'com.example.play',
        deprecation: {
          ...deprecation,
          successor: undefined,
          retiredAt: '2027-01-01T00:00:00.000Z',
        },
      }),
    ).toBe(
      "Event type 'com.example.play' was retired on 2027-01-01T00:00:00.000Z; it accepts no more events",
    );
  });
});

describe('deprecatedEventTypeNotice', () => {
  it('says why, until when and what to send instead', () => {
    expect(
      deprecatedEventTypeNotice({ name: 'com.example.play', deprecation }),
    ).toBe(
      "Event type 'com.example.play' is deprecated: Replaced; it stops accepting events on 2027-01-01T00:00:00.000Z; send com.example.play.v2 instead",
    );
  });

  it('says nothing of active and retired types', () => {
    expect(deprecatedEventTypeNotice({ name: 'a' })).toBeUndefined();
    expect(
      deprecatedEventTypeNotice({
        name: 'a',
        deprecation: { ...deprecation, retiredAt: '2027-01-01T00:00:00Z' },
      }),
    ).toBeUndefined();
  });

  it('leaves out what a deprecation does not hold', () => {
    expect(
      deprecatedEventTypeNotice({
        name: 'a',
        deprecation: {
          reason: 'Unused',
          deprecatedAt: deprecation.deprecatedAt,
          deprecatedBy: deprecation.deprecatedBy,
        },
      }),
    ).toBe("Event type 'a' is deprecated: Unused");
  });
});
