// The one definition of where a partition's files are: every stage of the
// pipeline, its adapters (the GCP module), the portal and the crash tests
// compute partition starts, widths and folders with these functions (and
// partitionFolder in partitionLayout.ts), so that a reader always looks
// where a writer wrote. No imports and only erasable type syntax: the crash
// tests (plain Node, e2e/lib/delivery.mjs) import this file as it is.

/**
 * One hour in milliseconds.
 *
 * @public
 */
export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Whether a number is a partition width: whole seconds that divide a day,
 * so partitions line up with hours and days the same way every day.
 *
 * @public
 */
export function isPartitionWidth(widthMs: number): boolean {
  return (
    Number.isInteger(widthMs / 1000) && widthMs > 0 && DAY_MS % widthMs === 0
  );
}

/**
 * Checks the configured partition width (`deliveryPipeline.partitions.width`)
 * and explains what is wrong with it.
 *
 * @public
 */
export function checkPartitionWidth(widthMs: number): void {
  if (!isPartitionWidth(widthMs)) {
    throw new Error(
      `deliveryPipeline.partitions.width must be whole seconds that divide a day evenly (such as 1 hour, 15 minutes or 10 seconds); got ${widthMs} ms`,
    );
  }
}

/**
 * Start of the partition a receive time falls in, ms since the epoch.
 *
 * @public
 */
export function partitionStartOf(receivedAt: number, widthMs: number): number {
  return receivedAt - (receivedAt % widthMs);
}

/**
 * Whether a partition spans whole UTC hours (an hour or more of a valid
 * width): then it has an hour's folder, and a warehouse hour partition, to
 * itself. Narrower ones share their hour with their neighbours.
 *
 * @public
 */
export function spansWholeHours(start: number, widthMs: number): boolean {
  return widthMs > 0 && start % HOUR_MS === 0 && widthMs % HOUR_MS === 0;
}

/**
 * The time part of a partition's folder: `<yyyy-mm-dd>/<hh>` in UTC, with a
 * `<mm>-<ss>` folder below the hour when the partition is narrower than one.
 *
 * `widthMs` is the partition's own width, its end minus its start. Only
 * the consumer, which creates partitions, uses the configured width; every
 * reader uses the width of the partition it reads, since the configured
 * one may have changed since the partition was written, and a folder
 * computed from it would be another folder.
 *
 * @public
 */
export function partitionTimeFolder(start: number, widthMs: number): string {
  const iso = new Date(start).toISOString();
  const hourFolder = `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
  // Valid widths of an hour or more are whole hours and start on the hour
  // (see spansWholeHours); narrower ones need the minute and second.
  return widthMs >= HOUR_MS
    ? hourFolder
    : `${hourFolder}/${iso.slice(14, 16)}-${iso.slice(17, 19)}`;
}

/**
 * Whether a path relative to a partition's folder lies in the `<mm>-<ss>`
 * folder of a narrower partition: an hour's folder holds those too once
 * the width was changed, and they are never the hour partition's files.
 *
 * @public
 */
export function isInNarrowerPartitionFolder(
  widthMs: number,
  relativePath: string,
): boolean {
  return widthMs >= HOUR_MS && /^\d\d-\d\d\//.test(relativePath);
}

/**
 * The start of the partition whose time folder this is (the inverse of
 * {@link partitionTimeFolder}); undefined for any other path.
 *
 * @public
 */
export function partitionStartOfTimeFolder(folder: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})\/(\d{2})(?:\/(\d{2})-(\d{2}))?$/.exec(
    folder,
  );
  if (!match) return undefined;
  const [, day, hour, minute = '00', second = '00'] = match;
  const start = Date.parse(`${day}T${hour}:${minute}:${second}.000Z`);
  return Number.isNaN(start) ? undefined : start;
}
