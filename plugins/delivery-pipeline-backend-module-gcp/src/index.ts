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
// The adapters, for a portal that composes its own module from them; the
// schema mapping and naming helpers behind them stay internal.
export {
  PubSubEventTransport,
  PubSubNames,
  PubSubProvisioner,
  createPubSubClients,
  type PubSubEventTransportOptions,
  type PubSubNamesOptions,
  type PubSubProvisionerOptions,
  type PubSubClientsOptions,
  type PubSubProtocol,
  type MonitoringAuth,
} from './pubsub';
export {
  GcsPartitionStorage,
  createGcsBucket,
  type GcsPartitionStorageOptions,
  type CreateGcsBucketOptions,
} from './storage';
export {
  BigQueryExporter,
  BigQueryTables,
  type BigQueryExporterOptions,
  type BigQueryTablesOptions,
  type EnsuredTable,
  type TableMapping,
  type BigQueryField,
  type BigQueryMode,
  type BigQueryType,
  type ValueConversion,
  type RecordFieldConversion,
} from './bigquery';
export {
  CloudKmsKeyEncryptionKey,
  type CloudKmsKeyEncryptionKeyOptions,
} from './kms';
export { createDefaultAuth } from './auth';
