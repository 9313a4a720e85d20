/**
 * The signals channel on which the pipeline announces that a partition
 * changed: delivered (also delivered empty), late, or missing. The delivery
 * pages subscribe to it to refetch at once instead of waiting for their
 * next poll.
 *
 * @public
 */
export const DELIVERY_PARTITIONS_SIGNAL_CHANNEL =
  'delivery-pipeline:partitions';

/**
 * What a partition's signal says.
 *
 * - `delivered`: the dedupe stage delivered it (a quiet window's partition,
 *   opened by the completion stage, is delivered empty the same way).
 * - `late`: the SLA monitor recorded it past its type's SLA.
 * - `missing`: the monitor found windows of the type without a partition
 *   since `partitionStart`.
 *
 * @public
 */
export type DeliveryPartitionSignalState = 'delivered' | 'late' | 'missing';

/**
 * The message of {@link DELIVERY_PARTITIONS_SIGNAL_CHANNEL}. It is sent to
 * every signed-in user (or to the members of the type's owner group, with
 * `deliveryPipeline.signals.audience: owners`), so it carries nothing but
 * the type's name, the partition's start and its new state: a page that
 * shows the type refetches through the permission-checked API.
 *
 * @public
 */
export type DeliveryPartitionSignal = {
  eventType: string;
  /** The partition's (or first missing window's) start, ISO 8601. */
  partitionStart: string;
  state: DeliveryPartitionSignalState;
};
