import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { TABLE } from './databaseChunks';

/** How often the backlog is counted at most; in between it is estimated. */
const BACKLOG_REFRESH_MS = 500;

export type Counts = { events: number; bytes: number; chunks: number };

const noCounts = (): Counts => ({ events: 0, bytes: 0, chunks: 0 });

/**
 * What the table holds, counted at most every `BACKLOG_REFRESH_MS` and
 * adjusted in between for what this process adds and removes; other
 * replicas' changes show at the next count. Publishes in flight are
 * reserved, so that concurrent ones cannot all pass the same bound.
 */
export class BacklogEstimate {
  #stored: Counts = noCounts();
  /** Changes made while a count runs, which it may not see. */
  #sinceCountStarted: Counts | undefined;
  readonly #reserved: Counts = noCounts();
  #countedAt = 0;
  #counting?: Promise<void>;

  constructor(
    private readonly db: Knex,
    private readonly logger?: LoggerService,
  ) {}

  /** Counts now, or joins the count already running. */
  refresh(): Promise<void> {
    this.#counting ??= this.#count().finally(() => {
      this.#counting = undefined;
    });
    return this.#counting;
  }

  async drain(): Promise<void> {
    await this.#counting?.catch(() => undefined);
  }

  current(): Counts {
    if (Date.now() - this.#countedAt >= BACKLOG_REFRESH_MS) {
      // Not awaited: publish goes on with the estimate, and the next call
      // tries again should this count fail.
      this.refresh().catch(error =>
        this.logger?.warn('Could not count the transport backlog', error),
      );
    }
    return {
      events: this.#stored.events + this.#reserved.events,
      bytes: this.#stored.bytes + this.#reserved.bytes,
      chunks: this.#stored.chunks + this.#reserved.chunks,
    };
  }

  averageChunkEvents(): number {
    const { events, chunks } = this.#stored;
    return chunks > 0 && events > chunks ? events / chunks : 1;
  }

  reserve(counts: Counts): void {
    add(this.#reserved, counts, 1);
  }

  cancel(counts: Counts): void {
    add(this.#reserved, counts, -1);
  }

  commit(counts: Counts): void {
    add(this.#reserved, counts, -1);
    this.#change(counts, 1);
  }

  remove(counts: Counts): void {
    this.#change(counts, -1);
  }

  #change(counts: Counts, sign: 1 | -1) {
    add(this.#stored, counts, sign);
    if (this.#sinceCountStarted) {
      add(this.#sinceCountStarted, counts, sign);
    }
  }

  async #count(): Promise<void> {
    const changes = noCounts();
    this.#sinceCountStarted = changes;
    try {
      const [row] = await this.db(TABLE)
        .count({ chunks: '*' })
        .sum({ events: 'event_count', bytes: 'bytes' });
      // Counted at its start: a commit racing the count may be counted
      // twice, until the next one.
      this.#stored = {
        events: Number(row?.events ?? 0) + changes.events,
        bytes: Number(row?.bytes ?? 0) + changes.bytes,
        chunks: Number(row?.chunks ?? 0) + changes.chunks,
      };
      this.#countedAt = Date.now();
    } finally {
      this.#sinceCountStarted = undefined;
    }
  }
}

function add(target: Counts, counts: Counts, sign: 1 | -1) {
  target.events += sign * counts.events;
  target.bytes += sign * counts.bytes;
  target.chunks += sign * counts.chunks;
}
