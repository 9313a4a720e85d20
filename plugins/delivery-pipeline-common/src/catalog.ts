import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { eventTypeEntityName } from '@internal/plugin-event-schemas-common';

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

const DATASET_SUFFIX = '-dataset';

/**
 * The `metadata.name` of the catalog `Resource` entity of an event type's
 * delivered dataset: the name of its `API` entity (see
 * `eventTypeEntityName`) with a `-dataset` suffix.
 *
 * @remarks
 *
 * Where that would exceed 63 characters, the name is shortened the way
 * `eventTypeEntityName` shortens: its first characters, a `-`, the 64-bit
 * hash of the whole event type name (the same hash a shortened `API` entity
 * name ends with), then the suffix.
 *
 * @public
 */
export function datasetEntityName(eventTypeName: string): string {
  return eventTypeEntityName(eventTypeName, DATASET_SUFFIX);
}

/**
 * The entity ref of an event type's delivered dataset, e.g.
 * `resource:default/com.example.playback.started-dataset`; what consumers
 * put in their `spec.dependsOn`.
 *
 * @public
 */
export function datasetEntityRef(eventTypeName: string): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: DEFAULT_NAMESPACE,
    name: datasetEntityName(eventTypeName),
  });
}
