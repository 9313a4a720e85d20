import { Knex } from 'knex';
import {
  ClosedPartition,
  DeliveryRecord,
  Partition,
  PartitionKey,
  PartitionStore,
  RawFile,
} from './PartitionStore';

type Timestamp = Date | string | number;
type Count = number | string;

type PartitionRow = {
  event_type: string;
  start: Timestamp;
  end: Timestamp;
  state: Partition['state'];
  received: Count;
  bytes: Count;
  duplicates: Count;
  conflicts: Count;
  invalid: Count;
  delivered: Count | null;
  client_delay_p50_ms: Count | null;
  client_delay_p95_ms: Count | null;
  client_delay_max_ms: Count | null;
  delivery_attempts: number;
  closed_at: Timestamp | null;
  delivered_at: Timestamp | null;
  sla_breached_at: Timestamp | null;
  sla_recovered_at: Timestamp | null;
  raw_deleted_at: Timestamp | null;
  expired_at: Timestamp | null;
};

/** Windows opened per insert statement. */
const OPEN_CHUNK = 200;

/** Columns a new partition row needs; the rest have defaults. */
type NewPartitionRow = Pick<
  PartitionRow,
  'event_type' | 'start' | 'end' | 'state' | 'received' | 'bytes'
>;

/**
 * {@link PartitionStore} on the plugin's own database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabasePartitionStore implements PartitionStore {
  constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async recordRawFiles(files: RawFile[], writtenAt: Date): Promise<void> {
    if (files.length === 0) {
      return;
    }
    // PostgreSQL refuses an upsert that touches one row twice: sum per
    // partition first.
    const partitions = new Map<string, NewPartitionRow>();
    for (const file of files) {
      const key = `${file.eventType}\u0000${file.partitionStart}`;
      const row = partitions.get(key) ?? {
        event_type: file.eventType,
        start: new Date(file.partitionStart),
        end: new Date(file.partitionEnd),
        state: 'open',
        received: 0,
        bytes: 0,
      };
      row.received = Number(row.received) + file.events;
      row.bytes = Number(row.bytes) + file.bytes;
      partitions.set(key, row);
    }
    await this.db.transaction(async tx => {
      await tx('raw_files').insert(
        files.map(file => ({
          path: file.path,
          event_type: file.eventType,
          partition_start: new Date(file.partitionStart),
          events: file.events,
          bytes: file.bytes,
          written_at: writtenAt,
        })),
      );
      await tx('partitions')
        .insert([...partitions.values()])
        .onConflict(['event_type', 'start'])
        .merge({
          received: tx.raw('?? + ??', [
            'partitions.received',
            'excluded.received',
          ]),
          bytes: tx.raw('?? + ??', ['partitions.bytes', 'excluded.bytes']),
        });
    });
  }

  async setConsumerProgress(transport: string, watermark: Date): Promise<void> {
    const now = new Date();
    await this.db('consumer_progress')
      .insert({ transport, watermark, updated_at: now })
      .onConflict('transport')
      .merge({
        // Replicas report concurrently; the highest watermark is the truth.
        watermark: this.db.raw('CASE WHEN ?? > ?? THEN ?? ELSE ?? END', [
          'excluded.watermark',
          'consumer_progress.watermark',
          'excluded.watermark',
          'consumer_progress.watermark',
        ]),
        updated_at: now,
      });
  }

  async getConsumerProgress(transport: string): Promise<Date | undefined> {
    const row = await this.db('consumer_progress')
      .where({ transport })
      .first('watermark');
    return row ? new Date(row.watermark) : undefined;
  }

  async listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    state?: Partition['state'];
    limit?: number;
  }): Promise<Partition[]> {
    const query = this.db<PartitionRow>('partitions').select('*');
    if (filter.eventType) query.where('event_type', filter.eventType);
    if (filter.from) query.where('end', '>', filter.from);
    if (filter.to) query.where('start', '<', filter.to);
    if (filter.state) query.where('state', filter.state);
    let rows: PartitionRow[];
    if (filter.limit !== undefined) {
      // The newest `limit`, then back to oldest first.
      rows = await query
        .orderBy([{ column: 'start', order: 'desc' }, { column: 'event_type' }])
        .limit(filter.limit);
      rows.sort(
        (a, b) =>
          a.event_type.localeCompare(b.event_type) ||
          toMillis(a.start) - toMillis(b.start),
      );
    } else {
      rows = await query.orderBy([
        { column: 'event_type' },
        { column: 'start' },
      ]);
    }
    return rows.map(toPartition);
  }

  async getOpeningFloor(now: Date): Promise<Date> {
    await this.db('partition_opening_floor')
      .insert({ id: 1, floor: now })
      .onConflict('id')
      .ignore();
    const row = await this.db('partition_opening_floor')
      .where({ id: 1 })
      .first('floor');
    return new Date(row.floor);
  }

  async listOpenedUntil(): Promise<Map<string, number>> {
    const rows: Array<{ event_type: string; opened_until: Timestamp }> =
      await this.db('partition_openings').select('event_type', 'opened_until');
    return new Map(rows.map(r => [r.event_type, toMillis(r.opened_until)]));
  }

  async openPartitions(options: {
    eventType: string;
    windows: Array<{ start: number; end: number }>;
    openedUntil: number;
  }): Promise<number> {
    const { eventType, windows } = options;
    const openedUntil = new Date(options.openedUntil);
    const now = new Date();
    return this.db.transaction(async tx => {
      let opened = 0;
      // Chunks keep each statement well under SQLite's variable limit.
      for (let i = 0; i < windows.length; i += OPEN_CHUNK) {
        const rows: NewPartitionRow[] = windows
          .slice(i, i + OPEN_CHUNK)
          .map(w => ({
            event_type: eventType,
            start: new Date(w.start),
            end: new Date(w.end),
            state: 'open',
            received: 0,
            bytes: 0,
          }));
        // A window the consumer (or an earlier run) already opened keeps
        // its row: counts, state and all.
        const inserted = await tx('partitions')
          .insert(rows)
          .onConflict(['event_type', 'start'])
          .ignore()
          .returning('start');
        // Both databases return only the rows an ignoring insert added.
        opened += inserted.length;
      }
      await tx('partition_openings')
        .insert({
          event_type: eventType,
          opened_until: openedUntil,
          updated_at: now,
        })
        .onConflict('event_type')
        .merge({
          opened_until: tx.raw('CASE WHEN ?? > ?? THEN ?? ELSE ?? END', [
            'excluded.opened_until',
            'partition_openings.opened_until',
            'excluded.opened_until',
            'partition_openings.opened_until',
          ]),
          updated_at: now,
        });
      return opened;
    });
  }

  async closePartitions(options: {
    now: Date;
    graceMs: number;
    watermark: Date;
  }): Promise<PartitionKey[]> {
    const deadline = new Date(
      Math.min(
        options.now.getTime() - options.graceMs,
        options.watermark.getTime(),
      ),
    );
    const candidates: Pick<PartitionRow, 'event_type' | 'start' | 'end'>[] =
      await this.db('partitions')
        .where('state', 'open')
        .where('end', '<=', deadline)
        .select('event_type', 'start', 'end');
    const closed: PartitionKey[] = [];
    for (const row of candidates) {
      // Conditional on still being open: of racing completionists, exactly
      // one records the close.
      const changed = await this.db('partitions')
        .where({ event_type: row.event_type, start: row.start, state: 'open' })
        .update({ state: 'closed', closed_at: options.now });
      if (changed > 0) {
        closed.push(toKey(row));
      }
    }
    return closed;
  }

  async claimClosed(options: {
    owner: string;
    leaseMs: number;
    now: Date;
    limit: number;
  }): Promise<ClosedPartition[]> {
    const now = options.now.getTime();
    const free = (query: Knex.QueryBuilder) =>
      query
        .whereNull('delivery_lease_expires_at')
        .orWhere('delivery_lease_expires_at', '<', now);
    const candidates: Pick<
      PartitionRow,
      'event_type' | 'start' | 'end' | 'closed_at'
    >[] = await this.db('partitions as p')
      .where('p.state', 'closed')
      .where(free)
      .whereNotExists(function earlierUndelivered() {
        this.select(1)
          .from('partitions as e')
          .whereRaw('?? = ??', ['e.event_type', 'p.event_type'])
          .whereRaw('?? < ??', ['e.start', 'p.start'])
          .whereIn('e.state', ['open', 'closed']);
      })
      .orderBy([{ column: 'p.end' }, { column: 'p.event_type' }])
      .limit(options.limit)
      .select('p.event_type', 'p.start', 'p.end', 'p.closed_at');
    const claimed: ClosedPartition[] = [];
    for (const row of candidates) {
      // Conditional on still being free: of racing replicas, one wins.
      const changed = await this.db('partitions')
        .where({
          event_type: row.event_type,
          start: row.start,
          state: 'closed',
        })
        .where(free)
        .update({
          delivery_owner: options.owner,
          delivery_lease_expires_at: now + options.leaseMs,
          delivery_attempts: this.db.raw('delivery_attempts + 1'),
        });
      if (changed > 0) {
        claimed.push({
          ...toKey(row),
          closedAt: new Date(toMillis(row.closed_at!)),
        });
      }
    }
    return claimed;
  }

  async renewDelivery(
    partition: PartitionKey,
    options: { owner: string; leaseMs: number; now: Date },
  ): Promise<boolean> {
    const changed = await this.db('partitions')
      .where({
        ...whereKey(partition),
        state: 'closed',
        delivery_owner: options.owner,
      })
      .update({
        delivery_lease_expires_at: options.now.getTime() + options.leaseMs,
      });
    return changed > 0;
  }

  async releaseDelivery(partition: PartitionKey, owner: string): Promise<void> {
    await this.db('partitions')
      .where({ ...whereKey(partition), delivery_owner: owner })
      .update({ delivery_owner: null, delivery_lease_expires_at: null });
  }

  async listRawFiles(partition: PartitionKey): Promise<string[]> {
    const rows: { path: string }[] = await this.db('raw_files')
      .where({
        event_type: partition.eventType,
        partition_start: new Date(partition.start),
      })
      .orderBy([{ column: 'written_at' }, { column: 'path' }])
      .select('path');
    return rows.map(row => row.path);
  }

  async listDeliveredStarts(
    eventType: string,
    from: Date,
    to: Date,
  ): Promise<number[]> {
    const rows: Pick<PartitionRow, 'start'>[] = await this.db('partitions')
      .where({ event_type: eventType, state: 'delivered' })
      .where('start', '>=', from)
      .where('start', '<', to)
      .orderBy('start')
      .select('start');
    return rows.map(row => toMillis(row.start));
  }

  async recordDelivery(
    partition: PartitionKey,
    record: DeliveryRecord,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const [{ invalid }] = await tx('failed_events')
        .where('event_type', partition.eventType)
        .where('received_at', '>=', new Date(partition.start))
        .where('received_at', '<', new Date(partition.end))
        .count({ invalid: '*' });
      const changed = await tx('partitions')
        .where({ ...whereKey(partition), state: 'closed' })
        .update({
          state: 'delivered',
          delivery_owner: null,
          delivery_lease_expires_at: null,
          delivered_at: record.deliveredAt,
          delivered: record.delivered,
          duplicates: record.duplicates,
          conflicts: record.conflicts,
          invalid: Number(invalid),
          client_delay_p50_ms: record.clientDelayMs?.p50 ?? null,
          client_delay_p95_ms: record.clientDelayMs?.p95 ?? null,
          client_delay_max_ms: record.clientDelayMs?.max ?? null,
        });
      if (changed === 0) {
        return false;
      }
      if (record.exporters.length > 0) {
        await tx('partition_exports')
          .insert(
            record.exporters.map(exporter => ({
              event_type: partition.eventType,
              partition_start: new Date(partition.start),
              exporter,
              attempts: 0,
              next_attempt_at: record.deliveredAt,
            })),
          )
          .onConflict(['event_type', 'partition_start', 'exporter'])
          .ignore();
      }
      return true;
    });
  }

  async claimPendingExports(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<Array<PartitionKey & { exporter: string; attempts: number }>> {
    const rows: Array<{
      event_type: string;
      start: Timestamp;
      end: Timestamp;
      exporter: string;
      attempts: number;
      next_attempt_at: Timestamp;
    }> = await this.db('partition_exports as e')
      .join('partitions as p', function joinPartition() {
        this.on('p.event_type', '=', 'e.event_type').andOn(
          'p.start',
          '=',
          'e.partition_start',
        );
      })
      .whereNull('e.exported_at')
      .where('p.state', 'delivered')
      .where('e.next_attempt_at', '<=', options.now)
      .orderBy('e.next_attempt_at')
      .limit(options.limit)
      .select(
        'e.event_type',
        'p.start',
        'p.end',
        'e.exporter',
        'e.attempts',
        'e.next_attempt_at',
      );
    const claimed: Array<
      PartitionKey & { exporter: string; attempts: number }
    > = [];
    for (const row of rows) {
      // Pushing the next attempt past the lease claims it: of racing
      // replicas, the one whose update still sees the old value wins.
      const changed = await this.db('partition_exports')
        .where({
          event_type: row.event_type,
          partition_start: row.start,
          exporter: row.exporter,
          next_attempt_at: row.next_attempt_at,
        })
        .whereNull('exported_at')
        .update({
          next_attempt_at: new Date(options.now.getTime() + options.leaseMs),
        });
      if (changed > 0) {
        claimed.push({
          ...toKey(row),
          exporter: row.exporter,
          attempts: row.attempts,
        });
      }
    }
    return claimed;
  }

  async recordExport(
    partition: PartitionKey & { exporter: string },
    outcome: { at: Date } & (
      | { ok: true }
      | { ok: false; error: string; retryAt: Date }
    ),
  ): Promise<void> {
    await this.db('partition_exports')
      .where({
        event_type: partition.eventType,
        partition_start: new Date(partition.start),
        exporter: partition.exporter,
      })
      .update(
        outcome.ok
          ? {
              exported_at: outcome.at,
              last_error: null,
              attempts: this.db.raw('attempts + 1'),
            }
          : {
              last_error: outcome.error.slice(0, 4000),
              next_attempt_at: outcome.retryAt,
              attempts: this.db.raw('attempts + 1'),
            },
      );
  }
}

function toKey(
  row: Pick<PartitionRow, 'event_type' | 'start' | 'end'>,
): PartitionKey {
  return {
    eventType: row.event_type,
    start: toMillis(row.start),
    end: toMillis(row.end),
  };
}

function whereKey(partition: PartitionKey) {
  return { event_type: partition.eventType, start: new Date(partition.start) };
}

function toPartition(row: PartitionRow): Partition {
  const optionalIso = (value: Timestamp | null) =>
    value === null ? undefined : toIso(value);
  const deliveredAt = optionalIso(row.delivered_at);
  const end = toMillis(row.end);
  return {
    eventType: row.event_type,
    start: toIso(row.start),
    end: toIso(row.end),
    state: row.state,
    // bigint columns come back as strings from PostgreSQL
    counts: {
      received: Number(row.received),
      bytes: Number(row.bytes),
      duplicates: Number(row.duplicates),
      conflicts: Number(row.conflicts),
      invalid: Number(row.invalid),
      ...(row.delivered === null ? {} : { delivered: Number(row.delivered) }),
    },
    closedAt: optionalIso(row.closed_at),
    deliveredAt,
    latenessSeconds:
      deliveredAt === undefined
        ? undefined
        : (Date.parse(deliveredAt) - end) / 1000,
    clientDelayMs:
      row.client_delay_p50_ms === null
        ? undefined
        : {
            p50: Number(row.client_delay_p50_ms),
            p95: Number(row.client_delay_p95_ms),
            max: Number(row.client_delay_max_ms),
          },
    slaBreachedAt: optionalIso(row.sla_breached_at),
    slaRecoveredAt: optionalIso(row.sla_recovered_at),
    rawDeletedAt: optionalIso(row.raw_deleted_at),
    expiredAt: optionalIso(row.expired_at),
    // Nothing received, nothing delivered: a quiet window, not a gap.
    ...(row.delivered !== null &&
    Number(row.delivered) === 0 &&
    Number(row.received) === 0
      ? { empty: true }
      : {}),
  };
}

function toMillis(value: Timestamp): number {
  return new Date(value).getTime();
}

// SQLite returns timestamps as epoch numbers or text, PostgreSQL as Date.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}
