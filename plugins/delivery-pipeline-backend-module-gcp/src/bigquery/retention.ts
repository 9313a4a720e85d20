/**
 * Milliseconds of an ISO 8601 duration such as `P400D`, `PT36H` or
 * `P1Y2M`, for a partition expiration. Years count 365 days and months 30
 * (BigQuery's expiration is a fixed span, not a calendar one), so `P1Y`
 * keeps data a year or a day less in a leap year. Undefined for a duration
 * that keeps data forever: empty, zero, or not a duration (the registry
 * may use such values for "unlimited"; a wrong guess here would delete
 * data, so anything unreadable keeps it).
 */
export function retentionToMs(
  duration: string | undefined,
): number | undefined {
  if (!duration) return undefined;
  const match =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      duration.trim(),
    );
  if (!match || duration.trim().toUpperCase().endsWith('T')) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map(
    part => (part === undefined ? 0 : Number(part)),
  );
  const DAY = 86_400_000;
  const ms = Math.round(
    years * 365 * DAY +
      months * 30 * DAY +
      weeks * 7 * DAY +
      days * DAY +
      hours * 3_600_000 +
      minutes * 60_000 +
      seconds * 1000,
  );
  return ms > 0 ? ms : undefined;
}
