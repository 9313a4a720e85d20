import { randomUUID } from 'node:crypto';
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ClaimExpiredError,
  EventClaim,
  EventTransport,
  failpoint,
  TransportBacklog,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import {
  assertRoomFor,
  BacklogBounds,
  InFlightPublishes,
  minOf,
} from './backlog';
import { BacklogEstimate } from './BacklogEstimate';
import { claimedEvents, sumOf, toChunks } from './chunks';
import { ChunkRow, slices, TABLE, toStoredChunk } from './databaseChunks';
import { migrateDatabase } from '../database/migrateDatabase';
import { GroupCommitWriter } from './GroupCommitWriter';

/**
 * How far the low watermark stays behind the clock, for the inserts of other
 * replicas that this one cannot see until they commit.
 */
const WATERMARK_MARGIN_MS = 10_000;

/**
 * Longest time from a publish call to its commit. Half the margin: the rest
 * covers the commit's own sync, which no timeout interrupts, and clock
 * differences between replicas.
 */
const PUBLISH_DEADLINE_MS = WATERMARK_MARGIN_MS / 2;

/** Ids per `where in`, well below any bind parameter limit. */
const IDS_PER_STATEMENT = 500;

/** @public */
export type DatabaseEventTransportOptions = BacklogBounds & {
  /** The plugin's database, migrated unless its `migrations.skip` says not to. */
  database: DatabaseService | Knex;
  logger?: LoggerService;
};

/**
 * The transport on the plugin's own database. On PostgreSQL every backend
 * replica shares it; on SQLite it serves one process.
 *
 * @public
 */
export class DatabaseEventTransport implements EventTransport {
  static async create(
    options: DatabaseEventTransportOptions,
  ): Promise<DatabaseEventTransport> {
    const { database } = options;
    const db = await migrateDatabase(
      isKnex(database) ? { getClient: async () => database } : database,
    );
    const transport = new DatabaseEventTransport(db, options, options.logger);
    await transport.#backlog.refresh();
    return transport;
  }

  readonly #inFlight = new InFlightPublishes();
  readonly #backlog: BacklogEstimate;
  readonly #writer: GroupCommitWriter;
  readonly #isPostgres: boolean;
  #closing?: Promise<void>;

  private constructor(
    private readonly db: Knex,
    private readonly bounds: BacklogBounds,
    logger?: LoggerService,
  ) {
    this.#isPostgres = db.client.dialect === 'postgresql';
    this.#backlog = new BacklogEstimate(db, logger);
    this.#writer = new GroupCommitWriter(db, this.#isPostgres);
  }

  async publish(events: TransportEvent[]): Promise<void> {
    this.#assertOpen();
    const chunks = toChunks(events);
    if (chunks.length === 0) {
      return;
    }
    const incoming = {
      events: events.length,
      bytes: sumOf(chunks, chunk => chunk.bytes),
      chunks: chunks.length,
    };
    assertRoomFor(incoming, this.#backlog.current(), this.bounds);
    this.#backlog.reserve(incoming);
    const publish = this.#inFlight.begin(
      Math.min(...chunks.map(chunk => chunk.minReceivedAt)),
    );
    try {
      await this.#writer.write(chunks, Date.now() + PUBLISH_DEADLINE_MS);
      failpoint('transport.after-publish');
      this.#backlog.commit(incoming);
    } catch (error) {
      this.#backlog.cancel(incoming);
      throw error;
    } finally {
      this.#inFlight.end(publish);
    }
  }

  async claim(options: {
    maxEvents: number;
    leaseMs: number;
  }): Promise<EventClaim | undefined> {
    this.#assertOpen();
    const id = randomUUID();
    const now = Date.now();
    const chunks = await this.db.transaction(async trx => {
      const chunkIds = await this.#lockFreeChunks(trx, options.maxEvents, now);
      if (chunkIds.length === 0) {
        return [];
      }
      for (const ids of slices(chunkIds, IDS_PER_STATEMENT)) {
        await trx(TABLE)
          .whereIn('id', ids)
          .update({ claim_id: id, lease_expires_at: now + options.leaseMs });
      }
      const rows: ChunkRow[] = await trx(TABLE)
        .where('claim_id', id)
        .orderBy([{ column: 'min_received_at' }, { column: 'id' }])
        .select(
          'event_type',
          'event_count',
          'min_received_at',
          'received_offsets',
          'lines',
        );
      return rows.map(toStoredChunk);
    });
    return chunks.length ? { id, events: claimedEvents(chunks) } : undefined;
  }

  /**
   * Leases are compared with this replica's clock, as they were set with the
   * claiming replica's: replica clocks must agree to well within a lease.
   */
  async ack(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    const removed = await this.db.transaction(async trx => {
      const query = trx(TABLE)
        .where('claim_id', claim.id)
        .andWhere('lease_expires_at', '>', Date.now())
        .select('id', 'event_count', 'bytes');
      const rows: Pick<ChunkRow, 'id' | 'event_count' | 'bytes'>[] = await (this
        .#isPostgres
        ? query.forUpdate()
        : query);
      const events = sumOf(rows, row => row.event_count);
      // All or nothing: after its lease expired, part of a claim may be held
      // by another claim already, and the rest is offered again anyway.
      if (rows.length === 0 || events !== claim.events.length) {
        throw new ClaimExpiredError(
          `The lease of claim ${claim.id} expired before it was acknowledged; its events are offered again`,
        );
      }
      for (const ids of slices(
        rows.map(row => row.id),
        IDS_PER_STATEMENT,
      )) {
        await trx(TABLE).whereIn('id', ids).delete();
      }
      return {
        events,
        bytes: sumOf(rows, row => row.bytes),
        chunks: rows.length,
      };
    });
    this.#backlog.remove(removed);
  }

  async release(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    await this.db(TABLE)
      .where('claim_id', claim.id)
      .update({ claim_id: null, lease_expires_at: null });
  }

  async backlog(): Promise<TransportBacklog> {
    this.#assertOpen();
    const oldestInFlight = this.#inFlight.oldestReceivedAt();
    const oldestStored = await this.#oldestStored();
    const held = this.#backlog.current();
    return {
      events: held.events,
      bytes: held.bytes,
      maxEvents: this.bounds.maxBacklogEvents,
      maxBytes: this.bounds.maxBacklogBytes,
      oldestReceivedAt: minOf(oldestStored, oldestInFlight),
    };
  }

  /**
   * Other replicas' inserts are invisible until they commit, so the clock
   * term stays a margin behind: every publish commits within
   * `PUBLISH_DEADLINE_MS` of its call or fails (see `GroupCommitWriter`).
   * This assumes that ingest calls publish right after stamping receive
   * times and that replica clocks agree to well within the margin.
   */
  async lowWatermark(): Promise<number> {
    this.#assertOpen();
    // Taken before the table is read: a publish of this process that
    // commits in between is then still counted as in flight.
    const horizon = Date.now() - WATERMARK_MARGIN_MS;
    const oldestInFlight = this.#inFlight.oldestReceivedAt();
    const oldestStored = await this.#oldestStored();
    return minOf(oldestStored, oldestInFlight, horizon)!;
  }

  /** Waits for the publishes already made. The database stays open. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([
      this.#writer.drain(),
      this.#backlog.drain(),
    ]).then(() => undefined);
    return this.#closing;
  }

  /**
   * Locks free chunks, oldest first, until they hold `maxEvents` events. On
   * PostgreSQL chunks that another claim is taking right now are skipped
   * rather than waited for. Reads in pages of as many chunks as an average
   * chunk size says are needed: a claim usually takes one round trip, and
   * rarely locks rows it then leaves, which concurrent claims would skip.
   */
  async #lockFreeChunks(
    trx: Knex.Transaction,
    maxEvents: number,
    now: number,
  ): Promise<Array<number | string>> {
    const pageSize = Math.max(
      1,
      Math.min(1000, Math.ceil(maxEvents / this.#backlog.averageChunkEvents())),
    );
    const ids: Array<number | string> = [];
    let events = 0;
    let after: Pick<ChunkRow, 'id' | 'min_received_at'> | undefined;
    for (;;) {
      const query = trx(TABLE)
        .where(free =>
          free.whereNull('claim_id').orWhere('lease_expires_at', '<=', now),
        )
        .orderBy([{ column: 'min_received_at' }, { column: 'id' }])
        .limit(pageSize)
        .select('id', 'event_count', 'min_received_at');
      if (after) {
        const { id, min_received_at } = after;
        query.andWhere(later =>
          later
            .where('min_received_at', '>', min_received_at)
            .orWhere(same =>
              same
                .where('min_received_at', min_received_at)
                .andWhere('id', '>', id),
            ),
        );
      }
      const page: Pick<ChunkRow, 'id' | 'event_count' | 'min_received_at'>[] =
        await (this.#isPostgres ? query.forUpdate().skipLocked() : query);
      for (const row of page) {
        ids.push(row.id);
        events += row.event_count;
        if (events >= maxEvents) {
          return ids;
        }
      }
      if (page.length < pageSize) {
        return ids;
      }
      after = page[page.length - 1];
    }
  }

  async #oldestStored(): Promise<number | undefined> {
    const [row] = await this.db(TABLE).min({ oldest: 'min_received_at' });
    return row?.oldest === null || row?.oldest === undefined
      ? undefined
      : Number(row.oldest);
  }

  #assertOpen() {
    if (this.#closing) {
      throw new ServiceUnavailableError(
        'The database event transport is closed',
      );
    }
  }
}

function isKnex(database: DatabaseService | Knex): database is Knex {
  return !('getClient' in database);
}
