import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import { playbackHealth, playbackStarted } from '../../__testUtils__';
import { deliveryRows, overallCompliance } from './deliveryRows';
import { slaStatusOf } from '../shared';

const base = playbackHealth(new Date('2026-11-23T12:00:00.000Z'));

function health(eventType: string, due: number, met: number): EventTypeHealth {
  return {
    ...base,
    eventType,
    slaCompliance: { due, met, compliance: due ? met / due : undefined },
  };
}

describe('slaStatusOf', () => {
  it('is ok from 99%, a warning from 95%, breached below', () => {
    expect(slaStatusOf({ due: 100, met: 99, compliance: 0.99 })).toBe('ok');
    expect(slaStatusOf({ due: 24, met: 23, compliance: 23 / 24 })).toBe(
      'warning',
    );
    expect(slaStatusOf({ due: 20, met: 19, compliance: 0.95 })).toBe('warning');
    expect(slaStatusOf({ due: 24, met: 22, compliance: 22 / 24 })).toBe(
      'breached',
    );
  });

  it('has no data, rather than failing, when nothing was due', () => {
    expect(slaStatusOf({ due: 0, met: 0 })).toBe('no-data');
    expect(slaStatusOf(undefined)).toBe('no-data');
  });
});

describe('deliveryRows', () => {
  it('puts the worst first: day, then week, then most partitions missed', () => {
    const rows = deliveryRows({
      day: [
        health('a.fine', 24, 24),
        health('b.breached', 24, 12),
        health('c.warning.week.bad', 24, 23),
        health('d.warning.week.good', 24, 23),
        health('e.nothing.due', 0, 0),
      ],
      week: [
        health('a.fine', 168, 168),
        health('b.breached', 168, 150),
        health('c.warning.week.bad', 168, 100),
        health('d.warning.week.good', 168, 167),
        health('e.nothing.due', 10, 10),
        health('f.quiet.today', 100, 50),
      ],
      eventTypes: [{ ...playbackStarted, name: 'g.registered.only' }],
    });

    expect(rows.map(row => row.name)).toEqual([
      'b.breached',
      'c.warning.week.bad',
      'd.warning.week.good',
      'a.fine',
      // Nothing due in the last day: after every type with a verdict.
      'f.quiet.today',
      'e.nothing.due',
      'g.registered.only',
    ]);
    expect(rows[6]).toEqual({
      name: 'g.registered.only',
      eventType: expect.objectContaining({ name: 'g.registered.only' }),
    });
  });

  it('breaks ties on compliance by the partitions missed', () => {
    const rows = deliveryRows({
      day: [health('a.few', 10, 5), health('b.many', 40, 20)],
      week: [],
    });
    expect(rows.map(row => row.name)).toEqual(['b.many', 'a.few']);
  });
});

describe('overallCompliance', () => {
  it('weighs every partition due, not every type, the same', () => {
    expect(
      overallCompliance([health('a', 100, 100), health('b', 10, 0)]),
    ).toEqual({ due: 110, met: 100, compliance: 100 / 110 });
    expect(overallCompliance([])).toEqual({
      due: 0,
      met: 0,
      compliance: undefined,
    });
  });
});
