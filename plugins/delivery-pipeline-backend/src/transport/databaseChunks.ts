import { EventChunk, StoredChunk } from './chunks';

/** The database transport's table, created by the plugin migrations. */
export const TABLE = 'transport_chunks';

export type ChunkRow = {
  id: number | string;
  event_type: string;
  event_count: number;
  bytes: number;
  min_received_at: number | string;
  received_offsets: string | null;
  lines: string;
  claim_id: string | null;
  lease_expires_at: number | string | null;
};

export function toRow(chunk: EventChunk) {
  return {
    event_type: chunk.eventType,
    event_count: chunk.eventCount,
    bytes: chunk.bytes,
    min_received_at: chunk.minReceivedAt,
    received_offsets: chunk.receivedOffsets,
    lines: chunk.lines,
  };
}

export function toStoredChunk(row: ChunkRow): StoredChunk {
  return {
    eventType: row.event_type,
    eventCount: Number(row.event_count),
    // bigint columns come back as strings from PostgreSQL
    minReceivedAt: Number(row.min_received_at),
    receivedOffsets: row.received_offsets,
    lines: row.lines,
  };
}

export function slices<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
