/**
 * Annotation holding the name of the event type whose delivered events the
 * dataset holds; the way back from the entity to the registry and pipeline.
 *
 * @public
 */
export const ANNOTATION_DATASET_EVENT_TYPE = 'delivery-pipeline/event-type';

/**
 * Annotation holding the URL of the folder the delivered partitions are
 * written to, e.g. `gs://bucket/delivered/com.example.playback.started`.
 * Absent while the pipeline could not be asked.
 *
 * @public
 */
export const ANNOTATION_DATASET_LOCATION = 'delivery-pipeline/location';

/**
 * Annotation holding how long raw partitions are kept, ISO 8601 (`P7D`).
 *
 * @public
 */
export const ANNOTATION_DATASET_RAW_RETENTION =
  'delivery-pipeline/raw-retention';

/**
 * Annotation holding how long delivered partitions are kept, ISO 8601 (`P400D`).
 *
 * @public
 */
export const ANNOTATION_DATASET_DELIVERED_RETENTION =
  'delivery-pipeline/delivered-retention';

/**
 * Annotation holding the service level: the latest a partition may be
 * delivered after its end, ISO 8601 (`PT2H`).
 *
 * @public
 */
export const ANNOTATION_DATASET_SLA_MAX_LATENESS =
  'delivery-pipeline/sla-max-lateness';

/**
 * Annotation holding the URL of the event type's delivery page in the portal.
 *
 * @public
 */
export const ANNOTATION_DATASET_DELIVERY_PAGE =
  'delivery-pipeline/delivery-page';
