import { InputError } from '@backstage/errors';
import {
  RetentionDeletion,
  RetentionDeletionList,
} from '@data-collection/plugin-delivery-pipeline-common';
import { Knex } from 'knex';
import {
  DbTime,
  NewRetentionDeletion,
  RetentionPartition,
  RetentionRawFile,
  RetentionStore,
} from '../retention/RetentionStore';

type DeletionRow = {
  id: number | string;
  event_type: string;
  partition_start: DbTime;
  partition_end: DbTime;
  kind: 'raw' | 'delivered';
  files: number | string;
  bytes: number | string | null;
  deleted_at: DbTime;
  reason: string;
};

const RAW_STATES = ['delivered', 'expired'];

/**
 * {@link RetentionStore} on the plugin's database (SQLite or PostgreSQL),
 * and the log of deletions the router reads.
 */
export class DatabaseRetentionStore implements RetentionStore {
  constructor(private readonly db: Knex) {}

  /**
   * Event types that have something retention might delete: delivered
   * partitions, or expired ones whose raw files are still there.
   */
  async listEventTypesWithData(): Promise<string[]> {
    const rows: Array<{ event_type: string }> = await this.db('partitions')
      .distinct('event_type')
      .where(q =>
        q
          .where('state', 'delivered')
          .orWhere(inner =>
            inner.where('state', 'expired').whereNull('raw_deleted_at'),
          ),
      )
      .orderBy('event_type');
    return rows.map(row => row.event_type);
  }

  /**
   * Delivered or expired partitions of a type that ended at or before
   * `endedBy` and still have raw files, oldest first, `limit` at a time
   * after the `after` key of the previous batch. Never open or closed ones.
   */
  async listRawExpired(options: {
    eventType: string;
    endedBy: Date;
    limit: number;
    after?: RetentionPartition;
  }): Promise<RetentionPartition[]> {
    const query = this.db('partitions')
      .select('event_type', 'start', 'end')
      .where('event_type', options.eventType)
      .whereIn('state', RAW_STATES)
      .whereNull('raw_deleted_at')
      .where('end', '<=', options.endedBy)
      .orderBy('start')
      .limit(options.limit);
    if (options.after) query.where('start', '>', options.after.key);
    return (await query).map(toPartition);
  }

  /**
   * Delivered partitions of a type that ended at or before `endedBy`,
   * oldest first, `limit` at a time.
   */
  async listDeliveredExpired(options: {
    eventType: string;
    endedBy: Date;
    limit: number;
    after?: RetentionPartition;
  }): Promise<RetentionPartition[]> {
    const query = this.db('partitions')
      .select('event_type', 'start', 'end')
      .where('event_type', options.eventType)
      .where('state', 'delivered')
      .where('end', '<=', options.endedBy)
      .orderBy('start')
      .limit(options.limit);
    if (options.after) query.where('start', '>', options.after.key);
    return (await query).map(toPartition);
  }

  async listRawFiles(
    partition: RetentionPartition,
  ): Promise<RetentionRawFile[]> {
    const rows: Array<{ path: string; bytes: number | string }> = await this.db(
      'raw_files',
    )
      .select('path', 'bytes')
      .where({
        event_type: partition.eventType,
        partition_start: partition.key,
      })
      .orderBy('path');
    return rows.map(row => ({ path: row.path, bytes: Number(row.bytes) }));
  }

  /**
   * Records that the raw files at `paths` are gone from storage: sets
   * `raw_deleted_at`, forgets the files and logs the deletion, all or
   * nothing. Does nothing and returns false when another run recorded it
   * first (or the partition is no longer delivered or expired).
   */
  async recordRawDeletion(
    deletion: NewRetentionDeletion & { kind: 'raw'; paths: string[] },
  ): Promise<boolean> {
    const { partition } = deletion;
    return this.db.transaction(async tx => {
      const changed = await tx('partitions')
        .where({ event_type: partition.eventType, start: partition.key })
        .whereIn('state', RAW_STATES)
        .whereNull('raw_deleted_at')
        .update({ raw_deleted_at: deletion.deletedAt });
      if (changed === 0) {
        return false;
      }
      for (let i = 0; i < deletion.paths.length; i += 500) {
        await tx('raw_files')
          .where({
            event_type: partition.eventType,
            partition_start: partition.key,
          })
          .whereIn('path', deletion.paths.slice(i, i + 500))
          .delete();
      }
      // A partition delivered empty had no raw files: nothing was deleted,
      // and a quiet type would otherwise log a deletion per window.
      if (deletion.files > 0) {
        await tx('retention_deletions').insert(toRow(deletion));
      }
      return true;
    });
  }

  /**
   * Records that a delivered partition's files are gone: state `expired`,
   * `expired_at`, and the deletion logged, all or nothing. Returns false
   * when the partition was no longer `delivered` (another run won).
   */
  async recordDeliveredDeletion(
    deletion: NewRetentionDeletion & { kind: 'delivered' },
  ): Promise<boolean> {
    const { partition } = deletion;
    return this.db.transaction(async tx => {
      const changed = await tx('partitions')
        .where({
          event_type: partition.eventType,
          start: partition.key,
          state: 'delivered',
        })
        .update({ state: 'expired', expired_at: deletion.deletedAt });
      if (changed === 0) {
        return false;
      }
      await tx('retention_deletions').insert(toRow(deletion));
      return true;
    });
  }

  /**
   * What retention deleted, newest first, optionally of one type and with
   * `deletedAt` in `[from, to)`; pass the `nextCursor` of a page to get the
   * next one.
   */
  async listDeletions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: string;
  }): Promise<RetentionDeletionList> {
    const query = this.db<DeletionRow>('retention_deletions')
      .select('*')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.eventType) query.where('event_type', filter.eventType);
    if (filter.from) query.where('deleted_at', '>=', filter.from);
    if (filter.to) query.where('deleted_at', '<', filter.to);
    if (filter.cursor !== undefined) {
      if (!/^\d{1,18}$/.test(filter.cursor)) {
        throw new InputError(
          `Invalid cursor '${filter.cursor}': pass the nextCursor of the previous page`,
        );
      }
      query.where('id', '<', filter.cursor);
    }
    const rows: DeletionRow[] = await query;
    const items = rows.slice(0, filter.limit).map(toDeletion);
    return {
      items,
      nextCursor:
        rows.length > filter.limit ? items[items.length - 1].id : undefined,
    };
  }
}

function toPartition(row: {
  event_type: string;
  start: DbTime;
  end: DbTime;
}): RetentionPartition {
  return {
    eventType: row.event_type,
    start: new Date(row.start),
    end: new Date(row.end),
    key: row.start,
  };
}

function toRow(deletion: NewRetentionDeletion) {
  return {
    event_type: deletion.partition.eventType,
    partition_start: deletion.partition.start,
    partition_end: deletion.partition.end,
    kind: deletion.kind,
    files: deletion.files,
    bytes: deletion.bytes ?? null,
    deleted_at: deletion.deletedAt,
    reason: deletion.reason,
  };
}

function toDeletion(row: DeletionRow): RetentionDeletion {
  return {
    id: String(row.id),
    eventType: row.event_type,
    partitionStart: new Date(row.partition_start).toISOString(),
    partitionEnd: new Date(row.partition_end).toISOString(),
    kind: row.kind,
    files: Number(row.files),
    bytes: row.bytes === null ? undefined : Number(row.bytes),
    deletedAt: new Date(row.deleted_at).toISOString(),
    reason: row.reason,
  };
}
