import { Partition, PartitionKey } from '../partitions/PartitionKey';

// The rows of the `partitions` table, shared by the stores of the stages that
// own its columns (see ownership.ts), and their conversions.

export type Timestamp = Date | string | number;
export type Count = number | string;

export type PartitionRow = {
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

/** Columns a new partition row needs; the rest have defaults. */
export type NewPartitionRow = Pick<
  PartitionRow,
  'event_type' | 'start' | 'end' | 'state' | 'received' | 'bytes'
>;

export function toKey(
  row: Pick<PartitionRow, 'event_type' | 'start' | 'end'>,
): PartitionKey {
  return {
    eventType: row.event_type,
    start: toMillis(row.start),
    end: toMillis(row.end),
  };
}

export function whereKey(partition: PartitionKey) {
  return { event_type: partition.eventType, start: new Date(partition.start) };
}

export function toPartition(row: PartitionRow): Partition {
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
      // The column keeps its first name, `invalid`: these are failed events.
      failed: Number(row.invalid),
      ...(row.delivered === null ? {} : { delivered: Number(row.delivered) }),
    },
    closedAt: optionalIso(row.closed_at),
    deliveredAt,
    latenessMs:
      deliveredAt === undefined ? undefined : Date.parse(deliveredAt) - end,
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

export function toMillis(value: Timestamp): number {
  return new Date(value).getTime();
}

// SQLite returns timestamps as epoch numbers or text, PostgreSQL as Date.
export function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}
