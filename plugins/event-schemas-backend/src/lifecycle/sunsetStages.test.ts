import { EventType } from '@data-collection/plugin-event-schemas-common';
import { dueSunsetStage } from './sunsetStages';

const DAY = 24 * 60 * 60 * 1000;
const sunsetAt = new Date('2027-03-01T00:00:00.000Z');
const before = (ms: number) => new Date(sunsetAt.getTime() - ms);
const typeDeprecatedAt = (deprecatedAt: Date) =>
  ({
    name: 'com.example.play',
    deprecation: {
      reason: 'Replaced',
      sunsetAt: sunsetAt.toISOString(),
      deprecatedAt: deprecatedAt.toISOString(),
      deprecatedBy: 'user:default/alice',
    },
  } as EventType);

describe('dueSunsetStage', () => {
  const longAgo = typeDeprecatedAt(before(90 * DAY));

  it.each([
    [31 * DAY, undefined],
    [30 * DAY, 'P30D'],
    [8 * DAY, 'P30D'],
    [7 * DAY, 'P7D'],
    [2 * DAY, 'P7D'],
    [DAY, 'P1D'],
    [1, 'P1D'],
    [0, undefined],
  ])('with %p ms left: %p', (left, stage) => {
    expect(dueSunsetStage(longAgo, before(left))?.stage).toBe(stage);
  });

  it('skips the stages whose moment came before the deprecation', () => {
    const recent = typeDeprecatedAt(before(20 * DAY));
    expect(dueSunsetStage(recent, before(19 * DAY))).toBeUndefined();
    expect(dueSunsetStage(recent, before(7 * DAY))?.stage).toBe('P7D');
  });

  it('has nothing for a type without a sunset date or already retired', () => {
    const noSunset = {
      ...longAgo,
      deprecation: { ...longAgo.deprecation!, sunsetAt: undefined },
    };
    const retired = {
      ...longAgo,
      deprecation: {
        ...longAgo.deprecation!,
        retiredAt: '2027-02-01T00:00:00Z',
      },
    };
    expect(dueSunsetStage(noSunset, before(DAY))).toBeUndefined();
    expect(dueSunsetStage(retired, before(DAY))).toBeUndefined();
  });
});
