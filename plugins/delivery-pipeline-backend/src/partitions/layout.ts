import { assertValidEventTypeName } from '@internal/plugin-event-schemas-common';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Checks a partition width: whole seconds that divide a day, so partitions
 * line up with hours and days the same way every day.
 */
export function checkPartitionWidth(widthMs: number): void {
  if (
    !Number.isInteger(widthMs / 1000) ||
    widthMs <= 0 ||
    DAY_MS % widthMs !== 0
  ) {
    throw new Error(
      `deliveryPipeline.partitions.width must be whole seconds that divide a day evenly (such as 1 hour, 15 minutes or 10 seconds); got ${widthMs} ms`,
    );
  }
}

/** Start of the partition a receive time falls in, ms since the epoch. */
export function partitionStartOf(receivedAt: number, widthMs: number): number {
  return receivedAt - (receivedAt % widthMs);
}

/**
 * The folder of a partition: `<kind>/<event type>/<yyyy-mm-dd>/<hh>`, with a
 * `<mm>-<ss>` folder below the hour when partitions are narrower than one.
 * The name is checked again here, where it becomes a folder: ingest and the
 * transports refuse invalid names, but a name such as `..` must never reach
 * a path whatever let it through.
 */
export function partitionFolder(options: {
  kind: 'raw' | 'delivered';
  eventType: string;
  start: number;
  widthMs: number;
}): string {
  assertValidEventTypeName(options.eventType);
  const iso = new Date(options.start).toISOString();
  const folder = `${options.kind}/${options.eventType}/${iso.slice(
    0,
    10,
  )}/${iso.slice(11, 13)}`;
  return options.widthMs < HOUR_MS
    ? `${folder}/${iso.slice(14, 16)}-${iso.slice(17, 19)}`
    : folder;
}
