import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';
import { EventTypeDelivery } from '@data-collection/plugin-event-schemas-common';
import path from 'node:path';

/**
 * Where and how the delivery pipeline delivers each event type, for its
 * contract, read from the pipeline's own configuration keys
 * (`deliveryPipeline.partitions.width`, `deliveryPipeline.storage.directory`,
 * and the GCP module's `deliveryPipeline.gcp.storage` and
 * `deliveryPipeline.gcp.bigquery`). A key that is absent leaves its fact out
 * of the contract: the registry may run without the pipeline, and guessing
 * the pipeline's defaults would describe data that may not exist.
 */
export function readContractDelivery(
  root: Config,
): (eventType: string) => EventTypeDelivery {
  const pipeline = root.getOptionalConfig('deliveryPipeline');
  const gcp = pipeline?.getOptionalConfig('gcp');
  const widthMs = pipeline?.has('partitions.width')
    ? durationToMilliseconds(
        readDurationFromConfig(pipeline, { key: 'partitions.width' }),
      )
    : undefined;
  const partitionWidth =
    widthMs && widthMs >= 1000 ? `PT${Math.round(widthMs / 1000)}S` : undefined;
  const bucket = gcp?.getOptionalString('storage.bucket');
  const directory = pipeline?.getOptionalString('storage.directory');
  let storage: EventTypeDelivery['storage'];
  if (bucket) {
    // The GCP module's storage replaces the local one when configured.
    const prefix = gcp?.getOptionalString('storage.prefix');
    storage = { type: 'gcs', bucket, ...(prefix ? { prefix } : {}) };
  } else if (directory) {
    storage = { type: 'local', directory: path.resolve(directory) };
  }
  const project = gcp?.getOptionalString('projectId');
  const dataset = gcp?.getOptionalString('bigquery.datasetId');

  return eventType => ({
    ...(partitionWidth ? { partitionWidth } : {}),
    ...(storage ? { storage } : {}),
    ...(project && dataset
      ? { bigQuery: { project, dataset, table: bigQueryTableId(eventType) } }
      : {}),
  });
}
