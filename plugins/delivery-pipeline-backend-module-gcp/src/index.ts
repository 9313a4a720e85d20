/**
 * The delivery pipeline on Google Cloud: Pub/Sub transport, Cloud Storage
 * partitions, BigQuery warehouse, the warehouse's tables in the catalog, and
 * Cloud KMS as the personal data keychain's key-encryption key.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleBigQueryTables } from './catalog';
import { deliveryPipelineModuleGcp } from './module';

/**
 * Everything this package adds, for one `backend.add` line: the pipeline
 * module and the catalog module of the BigQuery tables.
 *
 * @public
 */
export default createBackendFeatureLoader({
  *loader() {
    yield deliveryPipelineModuleGcp;
    yield catalogModuleBigQueryTables;
  },
});

export { deliveryPipelineModuleGcp } from './module';
export { catalogModuleBigQueryTables } from './catalog';
export * from './pubsub';
export * from './storage';
export * from './bigquery';
export * from './kms';
export { createDefaultAuth } from './auth';
