import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  FailedEventFilter,
  FailedEventStore,
  NewFailedEvent,
  StoredFailedEvent,
} from './FailedEventStore';

type FailedEventRow = {
  id: number | string;
  received_at: Date | string | number;
  event_type: string | null;
  source: string | null;
  event_id: string | null;
  reason: string;
  payload: string;
  payload_truncated: boolean | number;
  producer: string | null;
  replayed_at: Date | string | number | null;
  key_id: string | null;
};

/**
 * A rejected event's attribute as the database can keep it: whatever the
 * producer sent, NUL (which PostgreSQL refuses in text) becomes U+FFFD and
 * the value is cut to its column's length. Only for finding the event: the
 * payload keeps what was sent.
 */
function storable(value: string | undefined, maxChars?: number): string | null {
  if (value === undefined) return null;
  const clean = value.split('\u0000').join('\ufffd');
  return maxChars === undefined ? clean : clean.slice(0, maxChars);
}

/** Rows read at a time while filling a page up to its byte budget. */
const LIST_CHUNK_ROWS = 20;

/** {@link FailedEventStore} on the plugin's database; migrations run elsewhere. */
export class DatabaseFailedEventStore implements FailedEventStore {
  constructor(private readonly db: Knex) {}

  async add(events: NewFailedEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    // Batched: a rejected batch of 1000 events is one statement per 200 rows.
    await this.db.batchInsert(
      'failed_events',
      events.map(event => ({
        received_at: event.receivedAt,
        event_type: storable(event.eventType, 256),
        source: storable(event.source),
        event_id: storable(event.eventId),
        reason: storable(event.reason)!,
        payload: event.payload,
        key_id: event.keyId,
        payload_truncated: event.payloadTruncated,
        producer: storable(event.producer, 256),
      })),
      200,
    );
  }

  async list(
    filter: FailedEventFilter & {
      limit: number;
      cursor?: string;
      maxBytes?: number;
    },
  ): Promise<{ items: StoredFailedEvent[]; nextCursor?: string }> {
    if (filter.cursor !== undefined && !/^\d{1,18}$/.test(filter.cursor)) {
      throw new InputError(
        `Invalid cursor '${filter.cursor.slice(
          0,
          50,
        )}': pass the nextCursor of the previous page`,
      );
    }
    const maxBytes = filter.maxBytes ?? Infinity;
    // Read in chunks, so that a page of large payloads stops near its byte
    // budget instead of loading `limit` payloads of up to 64 KiB each.
    const chunkSize = Math.min(filter.limit + 1, LIST_CHUNK_ROWS);
    const items: StoredFailedEvent[] = [];
    let bytes = 0;
    let after = filter.cursor;
    for (;;) {
      const query = this.db<FailedEventRow>('failed_events')
        .select('*')
        .orderBy('id', 'desc')
        .limit(Math.min(chunkSize, filter.limit + 1 - items.length));
      this.#applyFilter(query, filter);
      if (after !== undefined) query.where('id', '<', after);
      const rows: FailedEventRow[] = await query;
      for (const row of rows) {
        if (
          items.length === filter.limit ||
          (items.length > 0 && bytes >= maxBytes)
        ) {
          return { items, nextCursor: items[items.length - 1].id };
        }
        items.push(toFailedEvent(row));
        bytes += Buffer.byteLength(row.payload, 'utf8');
      }
      if (rows.length < chunkSize || items.length === 0) {
        return { items };
      }
      after = items[items.length - 1].id;
    }
  }

  async recordReplay(outcome: {
    replayed: string[];
    failedAgain: Array<{ id: string; reason: string }>;
    at: Date;
  }): Promise<void> {
    await this.db.transaction(async tx => {
      for (let i = 0; i < outcome.replayed.length; i += 500) {
        await tx('failed_events')
          .whereIn('id', outcome.replayed.slice(i, i + 500))
          .update({ replayed_at: outcome.at });
      }
      for (const { id, reason } of outcome.failedAgain) {
        await tx('failed_events').where({ id }).update({ reason });
      }
    });
  }

  async deleteReceivedBefore(before: Date): Promise<number> {
    return this.db('failed_events').where('received_at', '<', before).delete();
  }

  async listUnsealed(limit: number): Promise<StoredFailedEvent[]> {
    const rows: FailedEventRow[] = await this.db('failed_events')
      .whereNull('key_id')
      .orderBy('id')
      .limit(limit);
    return rows.map(toFailedEvent);
  }

  async markSealed(event: {
    id: string;
    payload: string;
    keyId: string;
  }): Promise<void> {
    await this.db('failed_events')
      .where({ id: event.id })
      .whereNull('key_id')
      .update({ payload: event.payload, key_id: event.keyId });
  }

  #applyFilter(query: Knex.QueryBuilder, filter: FailedEventFilter): void {
    if (filter.eventType) query.where('event_type', filter.eventType);
    if (filter.from) query.where('received_at', '>=', filter.from);
    if (filter.to) query.where('received_at', '<', filter.to);
    if (!filter.includeReplayed) query.whereNull('replayed_at');
  }
}

function toFailedEvent(row: FailedEventRow): StoredFailedEvent {
  return {
    id: String(row.id),
    receivedAt: new Date(row.received_at).toISOString(),
    eventType: row.event_type ?? undefined,
    source: row.source ?? undefined,
    eventId: row.event_id ?? undefined,
    reason: row.reason,
    payload: row.payload,
    payloadTruncated: Boolean(row.payload_truncated),
    producer: row.producer ?? undefined,
    keyId: row.key_id ?? undefined,
    replayedAt:
      row.replayed_at === null
        ? undefined
        : new Date(row.replayed_at).toISOString(),
  };
}
