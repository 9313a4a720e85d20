import { ConflictError, InputError } from '@backstage/errors';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  isPastSunset,
  nextDeprecation,
  retiredDeprecation,
} from './transitions';

const now = new Date('2026-12-07T12:00:00.000Z');
const by = 'user:default/alice';
const active = { name: 'com.example.play' } as EventType;
const deprecated = {
  name: 'com.example.play',
  deprecation: {
    reason: 'Replaced',
    successor: 'com.example.play.v2',
    sunsetAt: '2027-01-31T00:00:00.000Z',
    deprecatedAt: '2026-12-01T00:00:00.000Z',
    deprecatedBy: 'user:default/bob',
  },
} as EventType;
const retired = {
  ...deprecated,
  deprecation: {
    ...deprecated.deprecation!,
    retiredAt: '2027-01-31T00:00:01.000Z',
    retiredBy: 'plugin:event-schemas/sunset',
  },
} as EventType;

describe('nextDeprecation', () => {
  it('deprecates an active type with a sunset date in the future', () => {
    expect(
      nextDeprecation({
        current: active,
        request: {
          reason: 'Replaced',
          successor: 'com.example.play.v2',
          sunsetAt: '2027-01-31T01:00:00+01:00',
        },
        by,
        now,
      }),
    ).toEqual({
      reason: 'Replaced',
      successor: 'com.example.play.v2',
      sunsetAt: '2027-01-31T00:00:00.000Z',
      deprecatedAt: now.toISOString(),
      deprecatedBy: by,
    });
  });

  it('keeps when and by whom a type was deprecated when its sunset moves', () => {
    expect(
      nextDeprecation({
        current: deprecated,
        request: { reason: 'Later', sunsetAt: '2027-03-01T00:00:00Z' },
        by,
        now,
      }),
    ).toEqual({
      reason: 'Later',
      sunsetAt: '2027-03-01T00:00:00.000Z',
      deprecatedAt: '2026-12-01T00:00:00.000Z',
      deprecatedBy: 'user:default/bob',
    });
  });

  it('makes a deprecated type active again with null', () => {
    expect(
      nextDeprecation({ current: deprecated, request: null, by, now }),
    ).toBeNull();
  });

  it.each([
    [undefined, /sunsetAt: required/],
    ['2027-01-31', /not an ISO 8601 date-time with a time zone/],
    ['2027-01-31T00:00:00', /with a time zone/],
    ['2027-13-45T00:00:00Z', /not an ISO 8601 date-time/],
    ['tomorrow', /not an ISO 8601 date-time/],
    ['2026-12-07T12:00:00Z', /is not in the future/],
    ['2020-01-01T00:00:00Z', /is not in the future.*\/retire/],
  ])('refuses sunsetAt %p with a 400', (sunsetAt, message) => {
    const call = () =>
      nextDeprecation({
        current: active,
        request: { reason: 'Replaced', sunsetAt },
        by,
        now,
      });
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it('refuses a type as its own successor', () => {
    expect(() =>
      nextDeprecation({
        current: active,
        request: {
          reason: 'x',
          successor: 'com.example.play',
          sunsetAt: '2027-01-31T00:00:00Z',
        },
        by,
        now,
      }),
    ).toThrow(/cannot succeed itself/);
  });

  it.each([null, { reason: 'again', sunsetAt: '2027-06-01T00:00:00Z' }])(
    'lets nothing leave retired (409): %p',
    request => {
      const call = () =>
        nextDeprecation({ current: retired, request, by, now });
      expect(call).toThrow(ConflictError);
      expect(call).toThrow(
        "Event type 'com.example.play' was retired on 2027-01-31T00:00:01.000Z; a retired type cannot be deprecated again or made active",
      );
    },
  );
});

describe('retiredDeprecation', () => {
  it('retires a deprecated type, keeping its deprecation', () => {
    expect(retiredDeprecation({ current: deprecated, by, now })).toEqual({
      ...deprecated.deprecation,
      retiredAt: now.toISOString(),
      retiredBy: by,
    });
  });

  it('refuses an active or retired type with a 409', () => {
    expect(() => retiredDeprecation({ current: active, by, now })).toThrow(
      /is active: deprecate it first/,
    );
    expect(() => retiredDeprecation({ current: retired, by, now })).toThrow(
      /was already retired on 2027-01-31T00:00:01.000Z/,
    );
  });
});

describe('isPastSunset', () => {
  it('is true from the sunset date on, for deprecated types only', () => {
    const at = new Date('2027-01-31T00:00:00.000Z');
    expect(isPastSunset(deprecated, new Date(at.getTime() - 1))).toBe(false);
    expect(isPastSunset(deprecated, at)).toBe(true);
    expect(isPastSunset(retired, at)).toBe(false);
    expect(isPastSunset(active, at)).toBe(false);
  });
});
