import { NotFoundError } from '@backstage/errors';
import {
  DeliveredPartition,
  PartitionStorage,
} from '@internal/plugin-delivery-pipeline-node';
import { DeliveredManifest, MANIFEST_NAME } from '../dedupe';

/**
 * A delivered partition as its manifest describes it, for exporters and the
 * preview. Rejects with a `NotFoundError` when the folder holds no manifest
 * (not delivered, or deleted by retention).
 */
export async function readDeliveredPartition(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredPartition> {
  const manifestPath = `${folder}/${MANIFEST_NAME}`;
  let text: Buffer;
  try {
    text = await storage.read(manifestPath);
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') {
      throw new NotFoundError(`No delivered partition at ${folder}`);
    }
    throw error;
  }
  const manifest: DeliveredManifest = JSON.parse(text.toString('utf8'));
  return {
    eventType: manifest.eventType,
    start: Date.parse(manifest.start),
    end: Date.parse(manifest.end),
    folder,
    files: manifest.files,
    manifestPath,
    events: manifest.counts.delivered,
    checksum: manifest.checksum,
  };
}
