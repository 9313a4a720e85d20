/** The time ranges the Delivery tab offers, as they appear in the URL. */
export const DELIVERY_RANGES = ['24h', '7d', '30d'] as const;
export type DeliveryRange = (typeof DELIVERY_RANGES)[number];
export const DEFAULT_RANGE: DeliveryRange = '7d';

export const RANGE_LABELS: Record<DeliveryRange, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** The range's length in words, for sentences: `7 days of partitions by hour`. */
export const RANGE_WORDS: Record<DeliveryRange, string> = {
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
};

const RANGE_HOURS: Record<DeliveryRange, number> = {
  '24h': 24,
  '7d': 7 * 24,
  '30d': 30 * 24,
};

export const HOUR_MS = 3_600_000;

/** The range in a URL parameter; the default for anything unknown. */
export function parseRange(value: string | undefined): DeliveryRange {
  return DELIVERY_RANGES.includes(value as DeliveryRange)
    ? (value as DeliveryRange)
    : DEFAULT_RANGE;
}

/** What the tab loads: `[from, to)`. */
export type DeliveryWindow = { from: Date; to: Date };

/** The start of the (local) hour `date` falls in. */
export function startOfLocalHour(date: Date): Date {
  const start = new Date(date.getTime());
  start.setMinutes(0, 0, 0);
  return start;
}

/**
 * The window of a range at `now`: whole local hours, the current one
 * included, so that every heatmap cell in it is a full hour and `24h` is
 * exactly 24 cells.
 */
export function rangeWindow(range: DeliveryRange, now: Date): DeliveryWindow {
  const currentHour = startOfLocalHour(now).getTime();
  return {
    from: new Date(currentHour - (RANGE_HOURS[range] - 1) * HOUR_MS),
    to: now,
  };
}
