import { Partition } from '@data-collection/plugin-delivery-pipeline-common';
import { DeliveryWindow } from './range';

// Partitions grouped into the hours of the user's day: the heatmap's cells
// and the charts' points. Partitions may be narrower than an hour (demos use
// one-minute ones), so a cell sums every partition that starts in it.

/**
 * What an hour looks like from the outside:
 * - `onTime`: everything received in it was delivered within the SLA;
 * - `empty`: delivered empty: nothing was received in it, and the pipeline
 *   delivered that (every window of a registered type gets a partition);
 * - `late`: some of it missed the SLA (delivered late, or still not delivered
 *   past the deadline);
 * - `open`: still open or closed, not delivered, and not due yet;
 * - `missing`: a past hour with no partition although it is due: the
 *   pipeline lost it or is stalled (an alarm, not "nothing was sent");
 * - `expired`: retention deleted what was delivered;
 * - `future`: not begun yet;
 * - `outside`: before the range, or an hour the clock skipped (daylight
 *   saving time).
 */
export type HourState =
  | 'onTime'
  | 'empty'
  | 'late'
  | 'open'
  | 'missing'
  | 'expired'
  | 'future'
  | 'outside';

/** The states a user can see in a range, in the legend's order. */
export const SHOWN_HOUR_STATES = [
  'onTime',
  'empty',
  'late',
  'open',
  'missing',
  'expired',
] as const;
export type ShownHourState = (typeof SHOWN_HOUR_STATES)[number];

export type HourCounts = {
  received: number;
  /** Undefined until some partition of the hour is delivered. */
  delivered?: number;
  duplicates: number;
  conflicts: number;
  /** Failed events: rejected by ingest, kept for inspection. */
  failed: number;
};

/** One local hour and the partitions that started in it. */
export type HourCell = {
  /** Also the cell's identity (its time in the URL). */
  start: Date;
  end: Date;
  /** 0–23 local; the heatmap's column. */
  hour: number;
  state: HourState;
  partitions: Partition[];
  counts: HourCounts;
  /** The worst lateness of its delivered partitions. */
  latenessSeconds?: number;
};

/** One row of the heatmap: a local day, always 24 cells. */
export type HeatmapDay = {
  /** Local midnight. */
  date: Date;
  cells: HourCell[];
};

export type Heatmap = {
  days: HeatmapDay[];
  /** The cells inside the window, oldest first (for the charts). */
  hours: HourCell[];
  /** How many cells of the window are in each state. */
  totals: Record<ShownHourState, number>;
};

function localHourKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}-${date.getHours()}`;
}

/** Sums of an hour's partitions, and its worst lateness. */
export function aggregateHour(partitions: Partition[]): {
  counts: HourCounts;
  latenessSeconds?: number;
} {
  const counts: HourCounts = {
    received: 0,
    duplicates: 0,
    conflicts: 0,
    failed: 0,
  };
  let latenessSeconds: number | undefined;
  for (const p of partitions) {
    counts.received += p.counts.received;
    counts.duplicates += p.counts.duplicates;
    counts.conflicts += p.counts.conflicts;
    counts.failed += p.counts.failed;
    if (p.counts.delivered !== undefined) {
      counts.delivered = (counts.delivered ?? 0) + p.counts.delivered;
    }
    if (p.latenessMs !== undefined) {
      latenessSeconds = Math.max(latenessSeconds ?? 0, p.latenessMs / 1000);
    }
  }
  return { counts, latenessSeconds };
}

/**
 * The state of an hour from its partitions. A late partition makes the hour
 * late even if others in it are still open: the SLA is already missed. An
 * hour without partitions is missing once `dueAfterMs` (the SLA) passed
 * after its end: until then its partitions may not be opened yet.
 */
export function hourState(
  cell: { start: Date; end: Date; partitions: Partition[] },
  window: DeliveryWindow,
  now: Date,
  dueAfterMs: number = 0,
): HourState {
  if (cell.start.getTime() < window.from.getTime()) return 'outside';
  const { partitions } = cell;
  if (partitions.length === 0) {
    if (cell.start.getTime() > now.getTime()) return 'future';
    return cell.end.getTime() + dueAfterMs <= now.getTime()
      ? 'missing'
      : 'open';
  }
  if (partitions.some(p => p.slaMet === false)) return 'late';
  if (partitions.some(p => p.state === 'open' || p.state === 'closed')) {
    return 'open';
  }
  if (partitions.some(p => p.state === 'delivered')) {
    return partitions.every(p => p.empty) ? 'empty' : 'onTime';
  }
  return 'expired';
}

/**
 * The heatmap of a window at `now`: a row per local day the window touches,
 * 24 cells each, with the partitions that started in each hour.
 */
export function buildHeatmap(options: {
  partitions: Partition[];
  window: DeliveryWindow;
  now: Date;
  /** How long after its end an hour without partitions is missing. */
  dueAfterMs?: number;
}): Heatmap {
  const { partitions, window, now, dueAfterMs } = options;
  const byHour = new Map<string, Partition[]>();
  for (const partition of partitions) {
    const key = localHourKey(new Date(partition.start));
    const list = byHour.get(key);
    if (list) list.push(partition);
    else byHour.set(key, [partition]);
  }
  for (const list of byHour.values()) {
    list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  const totals: Record<ShownHourState, number> = {
    onTime: 0,
    empty: 0,
    late: 0,
    open: 0,
    missing: 0,
    expired: 0,
  };
  const days: HeatmapDay[] = [];
  const hours: HourCell[] = [];
  const first = new Date(window.from.getTime());
  const last = new Date(Math.max(window.to.getTime(), now.getTime()));
  for (
    let day = new Date(first.getFullYear(), first.getMonth(), first.getDate());
    day.getTime() <= last.getTime();
    day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1)
  ) {
    const cells: HourCell[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const start = new Date(
        day.getFullYear(),
        day.getMonth(),
        day.getDate(),
        hour,
      );
      const end = new Date(
        day.getFullYear(),
        day.getMonth(),
        day.getDate(),
        hour + 1,
      );
      // Before the window, or an hour the clock skipped (daylight saving).
      const outside =
        start.getHours() !== hour || start.getTime() < window.from.getTime();
      const cellPartitions = outside
        ? []
        : byHour.get(localHourKey(start)) ?? [];
      const state = outside
        ? 'outside'
        : hourState(
            { start, end, partitions: cellPartitions },
            window,
            now,
            dueAfterMs,
          );
      const cell: HourCell = {
        start,
        end,
        hour,
        state,
        partitions: cellPartitions,
        ...aggregateHour(cellPartitions),
      };
      cells.push(cell);
      if (state !== 'outside' && state !== 'future') {
        hours.push(cell);
        totals[state] += 1;
      }
    }
    days.push({ date: day, cells });
  }
  return { days, hours, totals };
}

const STATE_WORDS: Record<HourState, string> = {
  onTime: 'on time',
  empty: 'delivered empty',
  late: 'late',
  open: 'open',
  missing: 'missing',
  expired: 'expired',
  future: 'not begun',
  outside: 'outside the range',
};

/** A state in the words the legend and tooltips use. */
export function hourStateWords(state: HourState): string {
  return STATE_WORDS[state];
}

/**
 * The heatmap in one sentence, for screen readers:
 * `7 days of partitions by hour: 150 on time, 2 late, 1 open, 15 missing`.
 */
export function heatmapSummary(
  rangeWords: string,
  totals: Record<ShownHourState, number>,
): string {
  const parts = SHOWN_HOUR_STATES.filter(
    state => (state !== 'expired' && state !== 'empty') || totals[state] > 0,
  ).map(state => `${totals[state]} ${STATE_WORDS[state]}`);
  return `${rangeWords} of partitions by hour: ${parts.join(', ')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `Mon 23 Nov`, in the user's language and time zone. */
export function formatDay(date: Date): string {
  const parts = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).formatToParts(date);
  const part = (type: string) => parts.find(p => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}`;
}

/** `14:00` local. */
export function formatLocalHour(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `Mon 23 Nov 14:00–15:00 (13:00–14:00 UTC)`. */
export function formatHourRange(cell: { start: Date; end: Date }): string {
  const utc = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return `${formatDay(cell.start)} ${formatLocalHour(
    cell.start,
  )}–${formatLocalHour(cell.end)} (${utc(cell.start)}–${utc(cell.end)} UTC)`;
}

/**
 * Where the heatmap begins: the range's start, or the hour the type was
 * registered if that is later (hours before it are not missing, there was
 * nothing to send), unless partitions started earlier (a type deleted and
 * registered again).
 */
export function heatmapStart(
  from: Date,
  registeredAt: string | undefined,
  partitions: Array<{ start: string }>,
): Date {
  if (!registeredAt) return from;
  const registered = new Date(registeredAt);
  registered.setMinutes(0, 0, 0);
  const earliest = Math.min(
    registered.getTime(),
    ...partitions.map(p => Date.parse(p.start)),
  );
  return new Date(Math.max(from.getTime(), earliest));
}
