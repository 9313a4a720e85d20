import { ServiceUnavailableError } from '@backstage/errors';
import { Knex } from 'knex';
import { EventChunk } from './chunks';
import { slices, TABLE, toRow } from './databaseChunks';

/** Rows per insert statement: SQLite takes at most 500 in one. */
const ROWS_PER_INSERT = 100;

type Queued = {
  chunks: EventChunk[];
  deadline: number;
  resolve(): void;
  reject(error: unknown): void;
};

/**
 * Group commit: publish calls queued while a transaction runs are inserted
 * together by the next one, so concurrent requests share a round trip and a
 * sync instead of paying for one each.
 */
export class GroupCommitWriter {
  #queue: Queued[] = [];
  #running?: Promise<void>;

  constructor(
    private readonly db: Knex,
    private readonly isPostgres: boolean,
  ) {}

  /** Resolves once committed; rejects if not committed by `deadline`. */
  write(chunks: EventChunk[], deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ chunks, deadline, resolve, reject });
      // Started on the next turn, so that the publish calls of this one
      // share the first transaction too.
      this.#running ??= new Promise<void>(next => setImmediate(next)).then(() =>
        this.#run(),
      );
    });
  }

  /** Resolves once everything queued so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.#running) {
      await this.#running;
    }
  }

  async #run(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        await this.#commit(batch);
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #commit(batch: Queued[]): Promise<void> {
    const now = Date.now();
    const late = batch.filter(queued => queued.deadline <= now);
    late.forEach(queued =>
      queued.reject(
        new ServiceUnavailableError(
          'The database did not take the events in time; nothing was stored',
        ),
      ),
    );
    const timely = batch.filter(queued => queued.deadline > now);
    if (timely.length === 0) {
      return;
    }
    try {
      await this.#insert(
        timely.flatMap(queued => queued.chunks),
        Math.min(...timely.map(queued => queued.deadline)) - now,
      );
      timely.forEach(queued => queued.resolve());
    } catch (error) {
      if (timely.length === 1) {
        timely[0].reject(error);
        return;
      }
      // One bad publish must not fail the others that happened to share
      // its transaction: retry them one by one. (Should the commit have
      // succeeded unbeknown to us, say the connection dropped right after
      // it, the retry stores a duplicate, which the deduper removes.)
      for (const queued of timely) {
        await this.#commit([queued]);
      }
    }
  }

  /**
   * On PostgreSQL the transaction is bounded by `timeoutMs`, which keeps the
   * low watermark's margin sound: statement_timeout stops a slow insert,
   * and idle_in_transaction_session_timeout ends the session (rolling
   * back) should this process stall between the insert and the commit. A
   * publish that is cut off this way is rejected and never becomes
   * visible, so it cannot appear behind a watermark already handed out.
   */
  async #insert(chunks: EventChunk[], timeoutMs: number): Promise<void> {
    const rows = chunks.map(toRow);
    await this.db.transaction(async trx => {
      if (this.isPostgres) {
        const timeout = `${Math.max(1, Math.floor(timeoutMs))}ms`;
        await trx.raw(
          `SELECT set_config('statement_timeout', ?, true), set_config('idle_in_transaction_session_timeout', ?, true)`,
          [timeout, timeout],
        );
      }
      for (const slice of slices(rows, ROWS_PER_INSERT)) {
        await trx(TABLE).insert(slice);
      }
    });
  }
}
