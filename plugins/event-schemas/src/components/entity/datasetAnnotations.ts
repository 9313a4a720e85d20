import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_DATASET_DATA_SUBJECT,
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_DELIVERY_PAGE,
  ANNOTATION_DATASET_LOCATION,
  ANNOTATION_DATASET_PERSONAL_DATA_FIELDS,
  ANNOTATION_DATASET_RAW_RETENTION,
  ANNOTATION_DATASET_SLA_MAX_LATENESS,
} from '@data-collection/plugin-delivery-pipeline-common';
import { eventTypeOfEntity } from './filters';

/** What the pipeline's catalog module wrote on a dataset `Resource`. */
export type DatasetAnnotations = {
  eventType?: string;
  /** The folder of the delivered partitions, `file://…` or `gs://…`. */
  location?: string;
  /** ISO 8601 durations, e.g. `P7D`, `PT4H`. */
  rawRetention?: string;
  deliveredRetention?: string;
  slaMaxLateness?: string;
  deliveryPage?: string;
  /** Paths of the personal fields, the data subject's included. */
  personalDataFields: string[];
  dataSubject?: string;
};

export function readDatasetAnnotations(entity: Entity): DatasetAnnotations {
  const annotations = entity.metadata.annotations ?? {};
  return {
    eventType: eventTypeOfEntity(entity),
    location: annotations[ANNOTATION_DATASET_LOCATION],
    rawRetention: annotations[ANNOTATION_DATASET_RAW_RETENTION],
    deliveredRetention: annotations[ANNOTATION_DATASET_DELIVERED_RETENTION],
    slaMaxLateness: annotations[ANNOTATION_DATASET_SLA_MAX_LATENESS],
    deliveryPage: annotations[ANNOTATION_DATASET_DELIVERY_PAGE],
    personalDataFields: (
      annotations[ANNOTATION_DATASET_PERSONAL_DATA_FIELDS] ?? ''
    )
      .split(',')
      .map(field => field.trim())
      .filter(Boolean),
    dataSubject: annotations[ANNOTATION_DATASET_DATA_SUBJECT],
  };
}
