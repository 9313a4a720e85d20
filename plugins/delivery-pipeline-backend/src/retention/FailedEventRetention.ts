import { LoggerService } from '@backstage/backend-plugin-api';
import { FailedEventStore } from '../database/FailedEventStore';

/**
 * Deletes failed events older than their retention: a refused event may hold
 * personal data in any field, and nothing says where, so it is not kept
 * for long. Run it on one replica at a time.
 */
export class FailedEventRetention {
  readonly #failedEvents: FailedEventStore;
  readonly #retentionMs: number;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    failedEvents: FailedEventStore;
    retentionMs: number;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#failedEvents = options.failedEvents;
    this.#retentionMs = options.retentionMs;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  async runOnce(): Promise<number> {
    const before = new Date(this.#now().getTime() - this.#retentionMs);
    const deleted = await this.#failedEvents.deleteReceivedBefore(before);
    if (deleted > 0) {
      this.#logger.info(
        `Retention deleted ${deleted} failed events received before ${before.toISOString()}`,
      );
    }
    return deleted;
  }
}
