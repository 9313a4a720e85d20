/**
 * The catalog side of the delivery pipeline: every event type's delivered
 * data becomes a `Resource` entity of type `dataset`.
 *
 * @packageDocumentation
 */
export { catalogModuleDeliveredDatasets as default } from './module';
export { catalogModuleDeliveredDatasets } from './module';
export {
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_DELIVERY_PAGE,
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_LOCATION,
  ANNOTATION_DATASET_RAW_RETENTION,
  ANNOTATION_DATASET_SLA_MAX_LATENESS,
  datasetEntityName,
  datasetEntityRef,
  eventTypeToDatasetEntity,
} from './datasetEntity';
export {
  DATASETS_FULL_SYNC_TASK_ID,
  DeliveredDatasetEntityProvider,
  type DeliveredRootReader,
} from './DeliveredDatasetEntityProvider';
export { HttpDeliveredRootReader } from './HttpDeliveredRootReader';
