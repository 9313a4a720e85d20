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
        event_type: event.eventType ?? null,
        source: event.source ?? null,
        event_id: event.eventId ?? null,
        reason: event.reason,
        payload: event.payload,
        key_id: event.keyId,
        payload_truncated: event.payloadTruncated,
        producer: event.producer ?? null,
      })),
      200,
    );
  }

  async list(
    filter: FailedEventFilter & { limit: number; cursor?: string },
  ): Promise<{ items: StoredFailedEvent[]; nextCursor?: string }> {
    const query = this.db<FailedEventRow>('failed_events')
      .select('*')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    this.#applyFilter(query, filter);
    if (filter.cursor !== undefined) {
      if (!/^\d+$/.test(filter.cursor)) {
        throw new InputError(
          `Invalid cursor '${filter.cursor}': pass the nextCursor of the previous page`,
        );
      }
      query.where('id', '<', filter.cursor);
    }
    const rows: FailedEventRow[] = await query;
    const items = rows.slice(0, filter.limit).map(toFailedEvent);
    return {
      items,
      nextCursor:
        rows.length > filter.limit ? items[items.length - 1].id : undefined,
    };
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
