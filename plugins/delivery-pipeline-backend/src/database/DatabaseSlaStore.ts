import { Knex } from 'knex';
import { DbTime, SlaCursor, SlaPartition, SlaStore } from '../monitor/SlaStore';

type SlaRow = {
  event_type: string;
  start: DbTime;
  end: DbTime;
  state: SlaPartition['state'];
  delivered_at: DbTime | null;
  sla_breached_at: DbTime | null;
  sla_notified_at: DbTime | null;
  sla_recovered_at: DbTime | null;
};

const COLUMNS = [
  'event_type',
  'start',
  'end',
  'state',
  'delivered_at',
  'sla_breached_at',
  'sla_notified_at',
  'sla_recovered_at',
];

/** {@link SlaStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseSlaStore implements SlaStore {
  constructor(private readonly db: Knex) {}

  /**
   * Event types with partitions that ended in `(endedAfter, endedBy]` and
   * have not been found late.
   */
  async listEventTypesToCheck(options: {
    endedAfter: Date;
    endedBy: Date;
  }): Promise<string[]> {
    const rows: Array<{ event_type: string }> = await this.db('partitions')
      .distinct('event_type')
      .whereNull('sla_breached_at')
      .where('end', '>', options.endedAfter)
      .where('end', '<=', options.endedBy)
      .orderBy('event_type');
    return rows.map(row => row.event_type);
  }

  /**
   * Partitions of a type not found late yet that ended in
   * `(endedAfter, endedBy)`: those whose deadline has passed, to check.
   * Oldest first, `limit` at a time after `after`.
   */
  async listUnbreached(options: {
    eventType: string;
    endedAfter: Date;
    endedBefore: Date;
    limit: number;
    after?: SlaPartition;
  }): Promise<SlaPartition[]> {
    const query = this.db('partitions')
      .select(COLUMNS)
      .where('event_type', options.eventType)
      .whereNull('sla_breached_at')
      .where('end', '>', options.endedAfter)
      .where('end', '<', options.endedBefore)
      .orderBy('start')
      .limit(options.limit);
    if (options.after) query.where('start', '>', options.after.key);
    const rows: SlaRow[] = await query;
    return rows.map(toPartition);
  }

  /**
   * Records that a partition was found late, unless it already was; when it
   * is delivered already, it is recorded as recovered at its delivery time
   * in the same update. Returns whether this call recorded it.
   */
  async recordBreach(
    partition: SlaPartition,
    breachedAt: Date,
  ): Promise<boolean> {
    const changed = await this.db('partitions')
      .where({ event_type: partition.eventType, start: partition.key })
      .whereNull('sla_breached_at')
      .update({
        sla_breached_at: breachedAt,
        ...(partition.deliveredKey !== null
          ? { sla_recovered_at: partition.deliveredKey }
          : {}),
      });
    return changed > 0;
  }

  /**
   * Breached partitions that ended after `endedAfter` and have been
   * delivered since, without a recorded recovery.
   */
  async listUnrecovered(options: {
    endedAfter: Date;
    limit: number;
    after?: SlaCursor;
  }): Promise<SlaPartition[]> {
    const query = this.db('partitions')
      .select(COLUMNS)
      .whereNotNull('sla_breached_at')
      .whereNull('sla_recovered_at')
      .whereNotNull('delivered_at')
      .where('end', '>', options.endedAfter);
    return (await page(query, options)).map(toPartition);
  }

  /** Records `sla_recovered_at` = `delivered_at`, unless it already was. */
  async recordRecovery(partition: SlaPartition): Promise<boolean> {
    if (partition.deliveredKey === null) {
      return false;
    }
    const changed = await this.db('partitions')
      .where({ event_type: partition.eventType, start: partition.key })
      .whereNotNull('sla_breached_at')
      .whereNull('sla_recovered_at')
      .update({ sla_recovered_at: partition.deliveredKey });
    return changed > 0;
  }

  /** Undoes {@link DatabaseSlaStore.recordRecovery}, so it is done again. */
  async clearRecovery(partition: SlaPartition): Promise<void> {
    await this.db('partitions')
      .where({
        event_type: partition.eventType,
        start: partition.key,
        sla_recovered_at: partition.deliveredKey,
      })
      .update({ sla_recovered_at: null });
  }

  /**
   * Breached partitions that ended after `endedAfter`, found late at or
   * before `breachedBy`, whose owners have not been told.
   */
  async listUnnotified(options: {
    endedAfter: Date;
    breachedBy: Date;
    limit: number;
    after?: SlaCursor;
  }): Promise<SlaPartition[]> {
    const query = this.db('partitions')
      .select(COLUMNS)
      .whereNotNull('sla_breached_at')
      .whereNull('sla_notified_at')
      .where('sla_breached_at', '<=', options.breachedBy)
      .where('end', '>', options.endedAfter);
    return (await page(query, options)).map(toPartition);
  }

  /**
   * Records that the owners were told of these partitions' breach; those
   * already recorded keep their time. Returns how many this call recorded.
   */
  async recordNotified(
    partitions: SlaPartition[],
    notifiedAt: Date,
  ): Promise<number> {
    return this.db.transaction(async tx => {
      let changed = 0;
      for (const partition of partitions) {
        changed += await tx('partitions')
          .where({ event_type: partition.eventType, start: partition.key })
          .whereNull('sla_notified_at')
          .update({ sla_notified_at: notifiedAt });
      }
      return changed;
    });
  }
}

/** One page ordered by start then event type, after a cursor. */
function page(
  query: Knex.QueryBuilder,
  options: { limit: number; after?: SlaCursor },
): Promise<SlaRow[]> {
  query
    .orderBy([{ column: 'start' }, { column: 'event_type' }])
    .limit(options.limit);
  const after = options.after;
  if (after) {
    query.where(q =>
      q
        .where('start', '>', after.key)
        .orWhere(inner =>
          inner
            .where('start', '=', after.key)
            .where('event_type', '>', after.eventType),
        ),
    );
  }
  return query;
}

function toPartition(row: SlaRow): SlaPartition {
  const date = (value: DbTime | null) =>
    value === null ? undefined : new Date(value);
  return {
    eventType: row.event_type,
    start: new Date(row.start),
    end: new Date(row.end),
    state: row.state,
    deliveredAt: date(row.delivered_at),
    breachedAt: date(row.sla_breached_at),
    notifiedAt: date(row.sla_notified_at),
    recoveredAt: date(row.sla_recovered_at),
    key: row.start,
    deliveredKey: row.delivered_at,
  };
}
