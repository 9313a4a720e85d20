import { Partition } from '@data-collection/plugin-delivery-pipeline-common';
import {
  heatmapStart,
  aggregateHour,
  buildHeatmap,
  formatDay,
  formatHourRange,
  heatmapSummary,
  HourCell,
} from './hours';
import { HOUR_MS, parseRange, rangeWindow } from './range';

const MINUTE_MS = 60_000;
// Monday 23 November 2026, 14:30 in the time zone the tests run in.
const now = new Date(2026, 10, 23, 14, 30);
const at = (hour: number, minute = 0, day = 23) =>
  new Date(2026, 10, day, hour, minute).getTime();

function partition(
  start: number,
  widthMs: number,
  fields: Partial<Partition> & { delivered?: number } = {},
): Partition {
  const { delivered, ...rest } = fields;
  return {
    eventType: 'com.example.playback.started',
    start: new Date(start).toISOString(),
    end: new Date(start + widthMs).toISOString(),
    state: 'delivered',
    counts: {
      received: 10,
      bytes: 1000,
      duplicates: 1,
      conflicts: 0,
      failed: 2,
      delivered: delivered ?? 9,
    },
    latenessMs: 60_000,
    slaMet: true,
    ...rest,
  };
}

/** Sixty one-minute partitions filling the hour that starts at `start`. */
function minutePartitions(
  start: number,
  fields: (minute: number) => Partial<Partition> = () => ({}),
): Partition[] {
  return Array.from({ length: 60 }, (_, minute) =>
    partition(start + minute * MINUTE_MS, MINUTE_MS, fields(minute)),
  );
}

const cellAt = (hours: HourCell[], start: number) =>
  hours.find(cell => cell.start.getTime() === start)!;

describe('rangeWindow', () => {
  it('is whole local hours up to now, the current one included', () => {
    const window = rangeWindow('24h', now);
    expect(window.from.getTime()).toBe(at(15, 0, 22));
    expect(window.to).toBe(now);
    expect(rangeWindow('7d', now).from.getTime()).toBe(at(14) - 167 * HOUR_MS);
    expect(rangeWindow('30d', now).from.getTime()).toBe(at(14) - 719 * HOUR_MS);
  });

  it('reads the range from the URL, defaulting to 7 days', () => {
    expect(parseRange('30d')).toBe('30d');
    expect(parseRange('')).toBe('7d');
    expect(parseRange('1y')).toBe('7d');
  });
});

describe('aggregateHour', () => {
  it('sums the partitions and keeps the worst lateness', () => {
    const { counts, latenessSeconds } = aggregateHour(
      minutePartitions(at(13), minute => ({
        latenessMs: minute === 59 ? 900_000 : 60_000,
      })),
    );
    expect(counts).toEqual({
      received: 600,
      delivered: 540,
      duplicates: 60,
      conflicts: 0,
      failed: 120,
    });
    expect(latenessSeconds).toBe(900);
  });

  it('has no delivered count or lateness until something is delivered', () => {
    const { counts, latenessSeconds } = aggregateHour([
      partition(at(13), HOUR_MS, {
        state: 'open',
        latenessMs: undefined,
        slaMet: undefined,
        counts: {
          received: 5,
          bytes: 10,
          duplicates: 0,
          conflicts: 0,
          failed: 0,
        },
      }),
    ]);
    expect(counts.delivered).toBeUndefined();
    expect(counts.received).toBe(5);
    expect(latenessSeconds).toBeUndefined();
  });
});

describe('buildHeatmap', () => {
  const window = rangeWindow('24h', now);
  const notDelivered = {
    latenessMs: undefined,
    deliveredAt: undefined,
    slaMet: undefined,
    delivered: undefined,
  };
  const partitions: Partition[] = [
    // Before the window: listed because it overlaps, but not a cell of it.
    partition(at(14, 0, 22), HOUR_MS),
    ...minutePartitions(at(13)),
    // One late minute makes the hour late.
    ...minutePartitions(at(12), minute =>
      minute === 30 ? { slaMet: false } : {},
    ),
    partition(at(11), HOUR_MS, { ...notDelivered, state: 'closed' }),
    // Half delivered, half still open: not decided yet.
    ...minutePartitions(at(10), minute =>
      minute < 30 ? {} : { ...notDelivered, state: 'open' },
    ),
    partition(at(9), HOUR_MS, { state: 'expired' }),
    // Not delivered and past its deadline.
    partition(at(8), HOUR_MS, {
      ...notDelivered,
      state: 'closed',
      slaMet: false,
    }),
  ];
  const heatmap = buildHeatmap({ partitions, window, now });

  it('has a row of 24 hours per local day of the window', () => {
    expect(heatmap.days.map(day => day.date.getTime())).toEqual([
      at(0, 0, 22),
      at(0, 0, 23),
    ]);
    expect(heatmap.days.every(day => day.cells.length === 24)).toBe(true);
    expect(heatmap.hours).toHaveLength(24);
    expect(heatmap.hours[0].start.getTime()).toBe(at(15, 0, 22));
    expect(heatmap.hours[23].start.getTime()).toBe(at(14));
  });

  it('puts every one-minute partition into the hour it started in', () => {
    const cell = cellAt(heatmap.hours, at(13));
    expect(cell.partitions).toHaveLength(60);
    expect(cell.state).toBe('onTime');
    expect(cell.counts.received).toBe(600);
    expect(cell.counts.delivered).toBe(540);
    expect(cell.latenessSeconds).toBe(60);
  });

  it('tells each state apart', () => {
    const state = (start: number) => cellAt(heatmap.hours, start).state;
    expect(state(at(13))).toBe('onTime');
    expect(state(at(12))).toBe('late');
    expect(state(at(11))).toBe('open');
    expect(state(at(10))).toBe('open');
    expect(state(at(9))).toBe('expired');
    expect(state(at(8))).toBe('late');
    // A past hour without a partition: nothing was received.
    expect(state(at(7))).toBe('missing');
    expect(state(at(16, 0, 22))).toBe('missing');
    // The current hour has not received anything yet, but may.
    expect(state(at(14))).toBe('open');
    const today = heatmap.days[1].cells;
    expect(today[15].state).toBe('future');
    const yesterday = heatmap.days[0].cells;
    expect(yesterday[14].state).toBe('outside');
    expect(yesterday[14].partitions).toHaveLength(0);
  });

  it('counts the hours of each state and says so in a sentence', () => {
    expect(heatmap.totals).toEqual({
      onTime: 1,
      empty: 0,
      late: 2,
      open: 3,
      expired: 1,
      missing: 17,
    });
    expect(heatmapSummary('24 hours', heatmap.totals)).toBe(
      '24 hours of partitions by hour: 1 on time, 2 late, 3 open, 17 missing, 1 expired',
    );
    expect(heatmapSummary('7 days', { ...heatmap.totals, expired: 0 })).toBe(
      '7 days of partitions by hour: 1 on time, 2 late, 3 open, 17 missing',
    );
  });
});

describe('delivered empty and missing hours', () => {
  const window = rangeWindow('24h', now);
  // Nothing received: delivered with no events, as the pipeline marks it.
  const empty = (start: number, widthMs: number) =>
    partition(start, widthMs, {
      counts: {
        received: 0,
        bytes: 0,
        duplicates: 0,
        conflicts: 0,
        failed: 0,
        delivered: 0,
      },
      empty: true,
    });
  const heatmap = buildHeatmap({
    partitions: [
      // A quiet hour: sixty one-minute partitions, each delivered empty.
      ...Array.from({ length: 60 }, (_, minute) =>
        empty(at(9) + minute * MINUTE_MS, MINUTE_MS),
      ),
      // A quiet minute beside busy ones: the hour had events, on time.
      ...minutePartitions(at(8), minute =>
        minute === 0
          ? {
              counts: {
                received: 0,
                bytes: 0,
                duplicates: 0,
                conflicts: 0,
                failed: 0,
                delivered: 0,
              },
              empty: true,
            }
          : {},
      ),
      // Delivered empty, but after the SLA: late like any other.
      { ...empty(at(7), HOUR_MS), slaMet: false },
      empty(at(11), HOUR_MS),
      empty(at(12), HOUR_MS),
      empty(at(13), HOUR_MS),
    ],
    window,
    now,
    // The SLA: an hour's partitions are due two hours after its end.
    dueAfterMs: 2 * HOUR_MS,
  });
  const state = (start: number) => cellAt(heatmap.hours, start).state;

  it('tells a quiet hour, delivered empty, from a missing one', () => {
    expect(state(at(9))).toBe('empty');
    expect(state(at(11))).toBe('empty');
    expect(state(at(8))).toBe('onTime');
    expect(state(at(7))).toBe('late');
    // No partition at all although due (10:00 ended at 11:00, due at 13:00).
    expect(state(at(10))).toBe('missing');
    expect(state(at(6))).toBe('missing');
    // The current hour may still get its partitions.
    expect(state(at(14))).toBe('open');
  });

  it('is not missing before its partitions are due', () => {
    const recent = buildHeatmap({
      partitions: [],
      window,
      now,
      dueAfterMs: 2 * HOUR_MS,
    });
    const of = (start: number) => cellAt(recent.hours, start).state;
    // 13:00 ended at 14:00, due at 16:00; 12:00 due at 15:00; 11:00 at 14:00.
    expect(of(at(13))).toBe('open');
    expect(of(at(12))).toBe('open');
    expect(of(at(11))).toBe('missing');
  });

  it('counts and says delivered empty hours apart from missing ones', () => {
    expect(heatmap.totals).toMatchObject({ empty: 4, missing: 17, late: 1 });
    expect(heatmapSummary('24 hours', heatmap.totals)).toBe(
      '24 hours of partitions by hour: 1 on time, 4 delivered empty, 1 late, 1 open, 17 missing',
    );
  });
});

describe('labels', () => {
  it('names days and hours in local time, with UTC alongside', () => {
    expect(formatDay(new Date(2026, 10, 23))).toBe('Mon 23 Nov');
    const start = new Date(at(14));
    const end = new Date(at(15));
    const utc = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:00`;
    expect(formatHourRange({ start, end })).toBe(
      `Mon 23 Nov 14:00–15:00 (${utc(start)}–${utc(end)} UTC)`,
    );
  });
});

describe('heatmapStart', () => {
  const from = new Date(2026, 10, 16, 19, 0);

  it('starts at the hour the type was registered, if later than the range', () => {
    expect(
      heatmapStart(from, new Date(2026, 10, 23, 18, 23).toISOString(), []),
    ).toEqual(new Date(2026, 10, 23, 18, 0));
  });

  it("keeps the range's start without a registration time, or for an older type", () => {
    expect(heatmapStart(from, undefined, [])).toEqual(from);
    expect(heatmapStart(from, new Date(2026, 0, 1).toISOString(), [])).toEqual(
      from,
    );
  });

  it('shows partitions from before the registration (a type registered again)', () => {
    const earlier = new Date(2026, 10, 20, 7, 0);
    expect(
      heatmapStart(from, new Date(2026, 10, 23, 18, 23).toISOString(), [
        { start: earlier.toISOString() },
      ]),
    ).toEqual(earlier);
  });
});
