// Numbers, durations and rates in the words the UI uses everywhere.

const count = new Intl.NumberFormat('en-US');

/** `12,345`. */
export function formatCount(value: number): string {
  return count.format(value);
}

/** `3.1%`; `0%` for an exact zero, `<0.1%` for a rate too small to show. */
export function formatPercent(rate: number | undefined): string {
  if (rate === undefined || Number.isNaN(rate)) return '–';
  if (rate === 0) return '0%';
  if (rate < 0.001) return '<0.1%';
  const digits = rate >= 0.995 && rate < 1 ? 2 : 1;
  const text = (rate * 100).toFixed(digits);
  return `${text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}%`;
}

/**
 * Milliseconds, as the pipeline's API gives every duration, in the words
 * of {@link formatSeconds}.
 */
export function formatMs(ms: number | undefined): string {
  return formatSeconds(ms === undefined ? undefined : ms / 1000);
}

/** Seconds as `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || Number.isNaN(seconds)) return '–';
  const negative = seconds < 0;
  let rest = Math.round(Math.abs(seconds));
  const sign = negative ? '-' : '';
  if (rest < 60) return `${sign}${rest} s`;
  if (rest < 3600) return `${sign}${Math.round(rest / 60)} min`;
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  const minutes = Math.round((rest - hours * 3600) / 60);
  if (days > 0) return `${sign}${days} d${hours ? ` ${hours} h` : ''}`;
  return `${sign}${hours} h${minutes ? ` ${minutes} min` : ''}`;
}

const ISO_DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration (`PT4H`, `P30D`) in seconds; undefined if not one. */
export function isoDurationSeconds(value: string): number | undefined {
  const match = ISO_DURATION.exec(value.trim());
  if (!match || value.trim() === 'P' || value.trim().endsWith('T')) {
    return undefined;
  }
  const [y, mo, w, d, h, mi, s] = match.slice(1).map(v => Number(v ?? 0));
  return (
    y * 365 * 86_400 +
    mo * 30 * 86_400 +
    w * 7 * 86_400 +
    d * 86_400 +
    h * 3600 +
    mi * 60 +
    s
  );
}

/** `PT4H` as `4 h`, `P30D` as `30 d`; the text itself if it is not one. */
export function formatIsoDuration(value: string | undefined): string {
  if (!value) return '–';
  const seconds = isoDurationSeconds(value);
  return seconds === undefined ? value : formatSeconds(seconds);
}
