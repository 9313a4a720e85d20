import {
  EventTypeHealth,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';

// The API's first names for fields renamed to one name per concept and to
// milliseconds throughout (see "Renamed fields" in the plugin README). Sent
// beside the new names for one release so that clients can move over;
// release 0.3.0 deletes this file and its two calls in the router.

/** A partition with its deprecated fields as well. */
export function withDeprecatedPartitionFields(partition: Partition): Partition {
  return {
    ...partition,
    counts: { ...partition.counts, invalid: partition.counts.failed },
    ...(partition.latenessMs === undefined
      ? {}
      : { latenessSeconds: partition.latenessMs / 1000 }),
  };
}

/** A type's health with its deprecated fields as well. */
export function withDeprecatedHealthFields(
  health: EventTypeHealth,
): EventTypeHealth {
  const seconds = (ms: number | undefined) =>
    ms === undefined ? undefined : ms / 1000;
  return {
    ...health,
    sla: { ...health.sla, maxLatenessSeconds: health.sla.maxLatenessMs / 1000 },
    latenessSeconds: {
      p50: seconds(health.latenessMs.p50),
      p95: seconds(health.latenessMs.p95),
      max: seconds(health.latenessMs.max),
    },
    volume: { ...health.volume, invalid: health.volume.failed },
    invalidRate: health.failedRate,
  };
}
