/**
 * The catalog side of the BigQuery warehouse: every event type's table
 * becomes a `Resource` entity of type `bigquery-table`, depending on the
 * event type's delivered dataset.
 */
export { catalogModuleBigQueryTables } from './module';
export {
  ANNOTATION_BIGQUERY_TABLE,
  BIGQUERY_TABLE_RESOURCE_TYPE,
  bigQueryConsoleUrl,
  bigQueryTableEntityName,
  bigQueryTableEntityRef,
  eventTypeToBigQueryTableEntity,
  type BigQueryTableLocation,
} from './bigQueryTableEntity';
export {
  BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
  BigQueryTableEntityProvider,
  bigQueryTableEntities,
  type BigQueryTableEntityOptions,
  type ProjectIdSource,
} from './BigQueryTableEntityProvider';
