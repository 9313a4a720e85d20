import { assertValidEventTypeName } from '@data-collection/plugin-event-schemas-common';
import { partitionTimeFolder } from './partitionTime';

/**
 * Raw partitions hold what the consumer wrote (resends included); delivered
 * ones what the deduper made of them.
 *
 * @public
 */
export type PartitionKind = 'raw' | 'delivered';

/**
 * The folder of a partition in storage:
 * `<kind>/<event type>/<yyyy-mm-dd>/<hh>[/<mm>-<ss>]`; `widthMs` is the
 * partition's own width (see {@link partitionTimeFolder}). The name is
 * checked here, where it becomes a folder: ingest and the transports refuse
 * invalid names, but a name such as `..` must never reach a path whatever
 * let it through.
 *
 * @public
 */
export function partitionFolder(options: {
  kind: PartitionKind;
  eventType: string;
  start: number;
  widthMs: number;
}): string {
  assertValidEventTypeName(options.eventType);
  return `${options.kind}/${options.eventType}/${partitionTimeFolder(
    options.start,
    options.widthMs,
  )}`;
}

/**
 * The BigQuery table an event type is exported to, by the GCP module, and
 * named in its data contract, by the registry. Registry names are
 * `[A-Za-z0-9._-]`, and BigQuery table ids take letters, digits, `_` and `-`
 * but no `.`, so dots become underscores: `com.example.playback.started` is
 * `com_example_playback_started`. Two types that differ only by `.` against
 * `_` would share a name; the GCP module refuses a table that its
 * description says belongs to another type.
 *
 * @public
 */
export function bigQueryTableId(eventType: string): string {
  return eventType.replace(/[^A-Za-z0-9_-]/g, '_');
}
