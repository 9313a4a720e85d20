import { PartitionPreview } from '@data-collection/plugin-delivery-pipeline-common';
import {
  PartitionStorage,
  readDeliveredPartition,
} from '@data-collection/plugin-delivery-pipeline-node';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The first `limit` rows of a delivered partition, file by file. */
export async function previewPartition(options: {
  storage: PartitionStorage;
  folder: string;
  limit: number;
}): Promise<Omit<PartitionPreview, 'eventType' | 'start'>> {
  const { storage, folder, limit } = options;
  const partition = await readDeliveredPartition(storage, folder);
  const rows: PartitionPreview['rows'] = [];
  for (const file of partition.files) {
    if (rows.length >= limit) break;
    // Streamed, so a preview of 20 rows does not inflate a whole 64 MiB file.
    const gunzip = Readable.from([await storage.read(file.path)]).pipe(
      createGunzip(),
    );
    const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line) rows.push(JSON.parse(line));
      if (rows.length >= limit) break;
    }
    lines.close();
    gunzip.destroy();
  }
  return {
    rows,
    totalRows: partition.events,
    location: storage.url(folder),
  };
}
