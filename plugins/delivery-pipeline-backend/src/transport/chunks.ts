import { InputError } from '@backstage/errors';
import { TransportEvent } from '@data-collection/plugin-delivery-pipeline-node';

/**
 * The events of one publish call and one event type, stored as one row: a
 * row per event would cost an index entry and a row header per ~600 bytes,
 * which the throughput target cannot afford.
 */
export type EventChunk = {
  eventType: string;
  eventCount: number;
  /** UTF-8 bytes of the lines, separators not counted. */
  bytes: number;
  minReceivedAt: number;
  /**
   * Each event's receive time as an offset from `minReceivedAt`, comma
   * separated; `null` when they are all equal, which is the rule since ingest
   * stamps a whole request at once.
   */
  receivedOffsets: string | null;
  /** The lines joined by newlines, which a line never contains. */
  lines: string;
};

/** A stored chunk as read back for a claim. */
export type StoredChunk = Pick<
  EventChunk,
  'eventType' | 'eventCount' | 'minReceivedAt' | 'receivedOffsets' | 'lines'
>;

/** Groups events by type, keeping their order within each type. */
export function toChunks(events: readonly TransportEvent[]): EventChunk[] {
  const byType = new Map<string, TransportEvent[]>();
  for (const event of events) {
    validate(event);
    const group = byType.get(event.eventType);
    if (group) {
      group.push(event);
    } else {
      byType.set(event.eventType, [event]);
    }
  }
  return Array.from(byType, ([eventType, group]) => encode(eventType, group));
}

export function fromChunk(chunk: StoredChunk): TransportEvent[] {
  const lines = chunk.lines.split('\n');
  const offsets = chunk.receivedOffsets?.split(',');
  if (
    lines.length !== chunk.eventCount ||
    (offsets && offsets.length !== lines.length)
  ) {
    throw new Error(
      `Stored chunk of ${chunk.eventType} is inconsistent: ${chunk.eventCount} events, ${lines.length} lines`,
    );
  }
  return lines.map((line, index) => ({
    eventType: chunk.eventType,
    receivedAt: offsets
      ? chunk.minReceivedAt + Number(offsets[index])
      : chunk.minReceivedAt,
    line,
  }));
}

/**
 * Chunks are claimed oldest first by their oldest event, but one chunk may
 * span several receive times; sorting the claim (stable, so publish order
 * holds among equal times) makes its events oldest first as promised.
 */
export function claimedEvents(chunks: StoredChunk[]): TransportEvent[] {
  return chunks.flatMap(fromChunk).sort((a, b) => a.receivedAt - b.receivedAt);
}

export function sumOf<T>(items: readonly T[], value: (item: T) => number) {
  let sum = 0;
  for (const item of items) {
    sum += value(item);
  }
  return sum;
}

function validate(event: TransportEvent) {
  if (event.line.includes('\n')) {
    throw new InputError(
      `An event of type ${event.eventType} has a line break in its line`,
    );
  }
  if (!Number.isSafeInteger(event.receivedAt)) {
    throw new InputError(
      `An event of type ${event.eventType} has a receive time that is not whole milliseconds: ${event.receivedAt}`,
    );
  }
}

function encode(eventType: string, events: TransportEvent[]): EventChunk {
  const first = events[0].receivedAt;
  let minReceivedAt = first;
  let sameTime = true;
  for (const event of events) {
    minReceivedAt = Math.min(minReceivedAt, event.receivedAt);
    sameTime &&= event.receivedAt === first;
  }
  const lines = events.map(event => event.line).join('\n');
  return {
    eventType,
    eventCount: events.length,
    bytes: Buffer.byteLength(lines) - (events.length - 1),
    minReceivedAt,
    receivedOffsets: sameTime
      ? null
      : events.map(event => event.receivedAt - minReceivedAt).join(','),
    lines,
  };
}
