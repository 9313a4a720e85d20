import { NotFoundError } from '@backstage/errors';
import {
  DeliveredPartition,
  PartitionStorage,
} from '@internal/plugin-delivery-pipeline-node';
import { MANIFEST_NAME, readManifest } from '../dedupe/manifest';

/**
 * A delivered partition as its manifest describes it, for exporters and the
 * preview. Rejects with a `NotFoundError` when the folder holds no manifest
 * (not delivered, or deleted by retention).
 */
export async function readDeliveredPartition(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredPartition> {
  const manifest = await readManifest(storage, folder);
  if (!manifest) {
    throw new NotFoundError(`No delivered partition at ${folder}`);
  }
  return {
    eventType: manifest.eventType,
    start: Date.parse(manifest.start),
    end: Date.parse(manifest.end),
    folder,
    files: manifest.files,
    manifestPath: `${folder}/${MANIFEST_NAME}`,
    events: manifest.counts.delivered,
    checksum: manifest.checksum,
  };
}
