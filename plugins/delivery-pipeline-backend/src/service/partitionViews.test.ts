import { Partition } from '@data-collection/plugin-delivery-pipeline-common';
import {
  countMissingWindows,
  listMissingWindows,
  slaMetOf,
  summarizeHealth,
  withSlaMet,
} from './partitionViews';

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 11, 1, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function partition(
  hour: number,
  options: {
    state?: Partition['state'];
    latenessMinutes?: number;
    received?: number;
    duplicates?: number;
    conflicts?: number;
    failed?: number;
  } = {},
): Partition {
  const start = t0 + hour * HOUR;
  const end = start + HOUR;
  const delivered = options.latenessMinutes !== undefined;
  const received = options.received ?? 100;
  const duplicates = options.duplicates ?? 0;
  const conflicts = options.conflicts ?? 0;
  return {
    eventType: 't',
    start: iso(start),
    end: iso(end),
    state: options.state ?? (delivered ? 'delivered' : 'open'),
    counts: {
      received,
      bytes: received * 100,
      duplicates,
      conflicts,
      failed: options.failed ?? 0,
      ...(delivered ? { delivered: received - duplicates - conflicts } : {}),
    },
    deliveredAt: delivered
      ? iso(end + options.latenessMinutes! * 60_000)
      : undefined,
    latenessMs: delivered ? options.latenessMinutes! * 60_000 : undefined,
  };
}

const policy = { maxLatenessMs: 2 * HOUR, slaSource: 'registry' as const };

describe('slaMetOf', () => {
  it('is decided by lateness once delivered', () => {
    const now = new Date(t0 + 10 * HOUR);
    expect(slaMetOf(partition(0, { latenessMinutes: 120 }), policy, now)).toBe(
      true,
    );
    expect(slaMetOf(partition(0, { latenessMinutes: 121 }), policy, now)).toBe(
      false,
    );
  });

  it('is open until the deadline passes for an undelivered partition', () => {
    const p = partition(0, { state: 'closed' });
    expect(slaMetOf(p, policy, new Date(t0 + 3 * HOUR))).toBeUndefined();
    expect(slaMetOf(p, policy, new Date(t0 + 3 * HOUR + 1))).toBe(false);
  });
});

describe('summarizeHealth', () => {
  it('sums compliance, lateness, volume and rates over the window', async () => {
    const now = new Date(t0 + 24 * HOUR);
    const partitions = await withSlaMet(
      [
        partition(0, { latenessMinutes: 10, received: 100, duplicates: 5 }),
        partition(1, { latenessMinutes: 30, received: 200, conflicts: 2 }),
        partition(2, { latenessMinutes: 180, received: 100, failed: 25 }),
        partition(20, { state: 'closed' }), // missed: its deadline was 23:00
        partition(23, { state: 'open', received: 50 }), // due at 02:00: undecided
      ],
      async () => policy,
      now,
    );
    const health = summarizeHealth({
      eventType: 't',
      from: new Date(t0),
      to: now,
      policy,
      partitions,
      lastDelivered: partitions[2],
    });
    expect(health).toEqual({
      eventType: 't',
      window: { from: iso(t0), to: iso(t0 + 24 * HOUR) },
      sla: { maxLatenessMs: 2 * HOUR, source: 'registry' },
      slaCompliance: { due: 4, met: 2, compliance: 0.5 },
      latenessMs: { p50: 30 * 60_000, p95: 3 * HOUR, max: 3 * HOUR },
      lastDelivered: {
        start: iso(t0 + 2 * HOUR),
        end: iso(t0 + 3 * HOUR),
        deliveredAt: iso(t0 + 3 * HOUR + 180 * 60_000),
      },
      partitions: { open: 1, closed: 1, delivered: 3, expired: 0, empty: 0 },
      volume: {
        received: 550,
        delivered: 393,
        duplicates: 5,
        conflicts: 2,
        failed: 25,
      },
      duplicateRate: 7 / 400,
      failedRate: 25 / 425,
    });
  });

  it('counts an on-time delivery when it happens, a miss at the deadline', async () => {
    const now = new Date(t0 + 2 * HOUR);
    const partitions = await withSlaMet(
      [
        partition(0, { latenessMinutes: 10 }), // met at 01:10, due at 03:00
        partition(1, { state: 'closed' }), // due at 04:00: still undecided
      ],
      async () => policy,
      now,
    );
    const health = summarizeHealth({
      eventType: 't',
      from: new Date(t0),
      to: now,
      policy,
      partitions,
    });
    expect(health.slaCompliance).toEqual({ due: 1, met: 1, compliance: 1 });
  });

  it('leaves rates and compliance out when nothing is decided', () => {
    const health = summarizeHealth({
      eventType: 't',
      from: new Date(t0),
      to: new Date(t0 + HOUR),
      policy,
      partitions: [partition(0)],
    });
    expect(health.slaCompliance).toEqual({ due: 0, met: 0 });
    expect(health.duplicateRate).toBeUndefined();
    expect(health.lastDelivered).toBeUndefined();
  });
});

describe('delivered empty and missing partitions', () => {
  const empty = (hour: number): Partition => ({
    ...partition(hour, { latenessMinutes: 5, received: 0 }),
    empty: true,
  });

  it('counts partitions delivered empty apart from gaps', async () => {
    const now = new Date(t0 + 10 * HOUR);
    // 0 and 2 delivered empty, 1 with events, 7 open; 3 to 6 missing (their
    // deadlines passed by 10:00), 8 and 9 not yet due.
    const partitions = await withSlaMet(
      [
        empty(0),
        partition(1, { latenessMinutes: 5 }),
        empty(2),
        partition(7, { state: 'open' }),
      ],
      async () => policy,
      now,
    );
    const health = summarizeHealth({
      eventType: 't',
      from: new Date(t0),
      to: now,
      policy,
      partitions,
      now,
    });
    expect(health.partitions).toEqual({
      open: 1,
      closed: 0,
      delivered: 3,
      expired: 0,
      empty: 2,
      missing: 4,
    });
    expect(health.volume.received).toBe(200);
  });

  it('counts windows from the first partition, on its grid, within the range', () => {
    const spans = [partition(2), partition(5)];
    const count = (fromHour: number, toHour: number, deadlineHour: number) =>
      countMissingWindows({
        partitions: spans,
        from: new Date(t0 + fromHour * HOUR),
        to: new Date(t0 + toHour * HOUR),
        deadline: t0 + deadlineHour * HOUR,
      });
    // Nothing before the first partition (02:00) is expected.
    expect(count(0, 10, 10)).toBe(6); // 3, 4, 6, 7, 8, 9
    // Only windows whose deadline passed.
    expect(count(0, 10, 6)).toBe(2); // 3, 4
    // A range starting mid-window counts from the next whole one.
    expect(count(3.5, 10, 10)).toBe(5); // 4, 6, 7, 8, 9
    expect(count(0, 10, 1)).toBe(0);
    expect(
      countMissingWindows({
        partitions: [],
        from: new Date(t0),
        to: new Date(t0 + HOUR),
        deadline: t0 + HOUR,
      }),
    ).toBe(0);
  });
});

describe('listMissingWindows', () => {
  const half = (hour: number): Partition => ({
    ...partition(hour),
    end: iso(t0 + (hour + 0.5) * HOUR),
  });
  it('lists the windows countMissingWindows counts', () => {
    const spans = [partition(2), partition(5)];
    const list = (fromHour: number, deadlineHour: number, limit = 100) =>
      listMissingWindows({
        partitions: spans,
        from: new Date(t0 + fromHour * HOUR),
        to: new Date(t0 + 10 * HOUR),
        deadline: t0 + deadlineHour * HOUR,
        limit,
      }).map(w => (Date.parse(w.start) - t0) / HOUR);
    expect(list(0, 10)).toEqual([3, 4, 6, 7, 8, 9]);
    expect(list(0, 6)).toEqual([3, 4]);
    expect(list(3.5, 10)).toEqual([4, 6, 7, 8, 9]);
    expect(list(0, 10, 2)).toEqual([3, 4]);
    expect(
      listMissingWindows({
        partitions: [],
        from: new Date(t0),
        to: new Date(t0 + HOUR),
        deadline: t0 + HOUR,
        limit: 10,
      }),
    ).toEqual([]);
  });

  it('agrees with the count when the width changed', () => {
    // Hourly, then half-hour partitions: the grid is the narrowest width.
    const spans = [partition(0), partition(1), half(3), half(5)];
    const options = {
      partitions: spans,
      from: new Date(t0),
      to: new Date(t0 + 8 * HOUR),
      deadline: t0 + 8 * HOUR,
    };
    const listed = listMissingWindows({ ...options, limit: 100 });
    expect(listed).toHaveLength(countMissingWindows(options));
    expect(listed[0]).toEqual({
      start: iso(t0 + 2 * HOUR),
      end: iso(t0 + 2.5 * HOUR),
    });
  });
});
