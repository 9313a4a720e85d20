import { formatCount, formatSeconds } from '../shared';
import { formatDay, formatLocalHour, HourCell } from './hours';
import { DeliveryWindow, HOUR_MS } from './range';

// What the charts draw, and the same in words for screen readers.

export type VolumePoint = {
  /** The hour's start, ms. */
  time: number;
  received: number;
  /** Duplicates and conflicts: what the deduper dropped. */
  duplicates: number;
  failed: number;
};

export type LatenessPoint = { time: number; latenessSeconds: number };

export function volumeSeries(hours: HourCell[]): VolumePoint[] {
  return hours.map(cell => ({
    time: cell.start.getTime(),
    received: cell.counts.received,
    duplicates: cell.counts.duplicates + cell.counts.conflicts,
    failed: cell.counts.failed,
  }));
}

/** The worst lateness of each hour that has a delivered partition. */
export function latenessSeries(hours: HourCell[]): LatenessPoint[] {
  return hours.flatMap(cell =>
    cell.latenessSeconds === undefined
      ? []
      : [{ time: cell.start.getTime(), latenessSeconds: cell.latenessSeconds }],
  );
}

/**
 * Where the time axis has its ticks: every 3 hours over a day, every local
 * midnight over a week, every 5th midnight over longer.
 */
export function timeTicks(window: DeliveryWindow): number[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const ticks: number[] = [];
  if (to - from <= 25 * HOUR_MS) {
    // The window starts on a local hour.
    for (let t = from; t <= to; t += HOUR_MS) {
      if (new Date(t).getHours() % 3 === 0) ticks.push(t);
    }
    return ticks;
  }
  const everyDays = to - from <= 8 * 24 * HOUR_MS ? 1 : 5;
  const first = window.from;
  const midnight = (days: number) =>
    new Date(first.getFullYear(), first.getMonth(), first.getDate() + days);
  for (let days = 1; midnight(days).getTime() <= to; days += everyDays) {
    ticks.push(midnight(days).getTime());
  }
  return ticks;
}

/** A tick's label: the hour over a day, the day over longer. */
export function tickLabel(window: DeliveryWindow): (time: number) => string {
  const spanHours = (window.to.getTime() - window.from.getTime()) / HOUR_MS;
  return time =>
    spanHours <= 25
      ? formatLocalHour(new Date(time))
      : formatDay(new Date(time));
}

const hourName = (time: number) =>
  `${formatDay(new Date(time))} ${formatLocalHour(new Date(time))}`;

/** The volume chart in a sentence. */
export function volumeSummary(
  points: VolumePoint[],
  rangeWords: string,
): string {
  const received = points.reduce((sum, p) => sum + p.received, 0);
  if (received === 0) {
    return `No events received in the last ${rangeWords}.`;
  }
  const peak = points.reduce((a, b) => (b.received > a.received ? b : a));
  const duplicates = points.reduce((sum, p) => sum + p.duplicates, 0);
  const failed = points.reduce((sum, p) => sum + p.failed, 0);
  return `Events per hour over the last ${rangeWords}: ${formatCount(
    received,
  )} received in all, at most ${formatCount(
    peak.received,
  )} in one hour (${hourName(peak.time)}); ${formatCount(
    duplicates,
  )} duplicates; ${formatCount(failed)} failed.`;
}

/** The lateness chart in a sentence. */
export function latenessSummary(
  points: LatenessPoint[],
  rangeWords: string,
  slaSeconds: number | undefined,
): string {
  if (points.length === 0) {
    return `No partition was delivered in the last ${rangeWords}.`;
  }
  const worst = points.reduce((a, b) =>
    b.latenessSeconds > a.latenessSeconds ? b : a,
  );
  const base = `Worst lateness per hour over the last ${rangeWords}: at most ${formatSeconds(
    worst.latenessSeconds,
  )} (${hourName(worst.time)})`;
  if (slaSeconds === undefined) return `${base}.`;
  const over = points.filter(p => p.latenessSeconds > slaSeconds).length;
  return `${base}; ${over} of ${
    points.length
  } delivered hours later than the SLA of ${formatSeconds(slaSeconds)}.`;
}

// Steps a lateness axis can have, in seconds: round minutes, hours and days.
const DURATION_STEPS = [
  1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600,
  43_200, 86_400, 172_800, 604_800,
];

/**
 * Ticks for a duration axis from 0 to at least `max` seconds, at round
 * steps (`0, 30 min, 1 h, 1 h 30 min`), no more than `count` of them above 0.
 */
export function durationTicks(max: number, count = 4): number[] {
  const step =
    DURATION_STEPS.find(s => max / s <= count) ??
    Math.ceil(max / count / 86_400) * 86_400;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

/**
 * The props of both charts' time axis (recharts' `XAxis`): the window in
 * local time, with ticks at whole hours or days.
 */
export function timeAxis(window: DeliveryWindow) {
  return {
    dataKey: 'time',
    type: 'number' as const,
    scale: 'time' as const,
    domain: [window.from.getTime(), window.to.getTime()],
    ticks: timeTicks(window),
    tickFormatter: tickLabel(window),
  };
}
