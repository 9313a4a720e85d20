import { TransportEvent } from '@data-collection/plugin-delivery-pipeline-node';

/** Pub/Sub's most messages per publish request. */
export const MAX_MESSAGES_PER_PUBLISH = 1000;
/**
 * Our most bytes per publish request: below Pub/Sub's 10 MB request limit,
 * counted as the REST fallback sends it (data in base64, 4/3 of its size).
 */
export const MAX_BYTES_PER_PUBLISH = 9_000_000;
/** Pub/Sub's most ack ids per acknowledge or modifyAckDeadline request. */
export const MAX_ACK_IDS_PER_REQUEST = 2500;

/** Events of one type that go to Pub/Sub in one publish request. */
export type PublishBatch = {
  eventType: string;
  events: TransportEvent[];
};

/** The message of an event: its line, with its type and receive time. */
export function toMessage(event: TransportEvent): {
  data: Buffer;
  attributes: Record<string, string>;
} {
  return {
    data: Buffer.from(event.line, 'utf8'),
    attributes: {
      eventType: event.eventType,
      receivedAt: String(event.receivedAt),
    },
  };
}

/** UTF-8 bytes of an event's line: what the backlog counts. */
export function lineBytes(event: TransportEvent): number {
  return Buffer.byteLength(event.line, 'utf8');
}

/** The bytes an event adds to a publish request on the wire. */
function wireBytes(event: TransportEvent): number {
  return (
    Math.ceil(lineBytes(event) / 3) * 4 +
    Buffer.byteLength(event.eventType, 'utf8') +
    // Attribute names, the receive time, JSON punctuation.
    64
  );
}

/**
 * Groups events by type and cuts each group into publish requests of at
 * most {@link MAX_MESSAGES_PER_PUBLISH} messages and
 * {@link MAX_BYTES_PER_PUBLISH} bytes. An event larger than that alone goes
 * in a request of its own, for Pub/Sub to refuse.
 */
export function toPublishBatches(events: TransportEvent[]): PublishBatch[] {
  const byType = new Map<string, TransportEvent[]>();
  for (const event of events) {
    const group = byType.get(event.eventType) ?? [];
    group.push(event);
    byType.set(event.eventType, group);
  }
  const batches: PublishBatch[] = [];
  for (const [eventType, group] of byType) {
    let current: TransportEvent[] = [];
    let bytes = 0;
    for (const event of group) {
      const size = wireBytes(event);
      if (
        current.length > 0 &&
        (current.length >= MAX_MESSAGES_PER_PUBLISH ||
          bytes + size > MAX_BYTES_PER_PUBLISH)
      ) {
        batches.push({ eventType, events: current });
        current = [];
        bytes = 0;
      }
      current.push(event);
      bytes += size;
    }
    if (current.length > 0) {
      batches.push({ eventType, events: current });
    }
  }
  return batches;
}

/**
 * The event a pulled message carries, or a reason why it carries none (a
 * poison message: not published by this transport, or damaged).
 */
export function fromMessage(
  message: {
    data?: Uint8Array | string | null;
    attributes?: Record<string, string> | null;
  },
  expectedEventType: string,
): TransportEvent | { poison: string } {
  const eventType = message.attributes?.eventType;
  const receivedAtText = message.attributes?.receivedAt;
  if (!eventType) {
    return { poison: 'it has no eventType attribute' };
  }
  if (eventType !== expectedEventType) {
    return {
      poison: `its eventType attribute ${eventType} is not its topic's ${expectedEventType}`,
    };
  }
  const receivedAt = Number(receivedAtText);
  if (
    !receivedAtText ||
    !/^\d+$/.test(receivedAtText) ||
    !Number.isSafeInteger(receivedAt)
  ) {
    return {
      poison: `its receivedAt attribute ${JSON.stringify(
        receivedAtText,
      )} is not a time in milliseconds`,
    };
  }
  // An empty line is carried as it was published (Pub/Sub omits empty
  // data): publish accepted it, so dropping it here would lose an event
  // whose publish resolved.
  const data = message.data;
  const line =
    typeof data === 'string'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data ?? []).toString('utf8');
  return { eventType, receivedAt, line };
}

/** Splits a list into slices of at most `size`. */
export function slices<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}
