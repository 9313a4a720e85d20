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
