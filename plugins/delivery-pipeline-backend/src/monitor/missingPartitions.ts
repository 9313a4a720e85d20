import { LoggerService } from '@backstage/backend-plugin-api';
import { CompletionStore } from '../completion/CompletionStore';
import { partitionMetrics } from '../metrics';
import { EventTypePolicySource } from '../policies/EventTypePolicies';
import { PartitionSignalPublisher } from '../signals/PartitionSignals';

/** Windows of a type with no partition although their deadline passed. */
export type MissingWindows = {
  eventType: string;
  /** Start of the first window without a partition. */
  since: Date;
  windows: number;
};

/**
 * Finds windows the pipeline lost. The completionist opens a partition for
 * every window of a registered type, events or not, and keeps how far it
 * got per type; when that lags behind a window's SLA deadline (its end plus
 * the type's maximum lateness), the window has no partition where one
 * should be: the consumer or the completionist is stalled, or a window was
 * lost. A quiet type never shows here; its windows are delivered empty.
 *
 * Reported as the gauge `delivery_pipeline.partitions.missing` per type
 * (the platform team's alarm) and logged when a type starts and stops
 * missing windows. Runs with the SLA monitor.
 */
export class MissingPartitionsCheck {
  readonly #openings: Pick<CompletionStore, 'listOpenedUntil'>;
  readonly #policies: EventTypePolicySource;
  readonly #widthMs: number;
  readonly #logger: LoggerService;
  readonly #signals?: PartitionSignalPublisher;
  /** The last run's findings, which the gauge reports. */
  #missing = new Map<string, MissingWindows>();

  constructor(options: {
    /** The completion stage's record of the windows it opened. */
    openings: Pick<CompletionStore, 'listOpenedUntil'>;
    policies: EventTypePolicySource;
    widthMs: number;
    logger: LoggerService;
    /** Told when a type starts missing windows, for the portal's pages. */
    signals?: PartitionSignalPublisher;
  }) {
    this.#openings = options.openings;
    this.#policies = options.policies;
    this.#widthMs = options.widthMs;
    this.#logger = options.logger;
    this.#signals = options.signals;
  }

  /** Registers the gauge; once per process. */
  observe(): void {
    partitionMetrics.missing.addCallback(observer => {
      for (const found of this.#missing.values()) {
        observer.observe(found.windows, { event_type: found.eventType });
      }
    });
  }

  async runOnce(options?: { now?: Date }): Promise<MissingWindows[]> {
    const now = (options?.now ?? new Date()).getTime();
    const missing = new Map<string, MissingWindows>();
    for (const [
      eventType,
      openedUntil,
    ] of await this.#openings.listOpenedUntil()) {
      const policy = await this.#policies.get(eventType);
      // A deleted type gets no partitions any more: none is missing.
      if (!policy.registered) continue;
      const windows = Math.floor(
        (now - policy.maxLatenessMs - openedUntil) / this.#widthMs,
      );
      if (windows > 0) {
        missing.set(eventType, {
          eventType,
          since: new Date(openedUntil),
          windows,
        });
      }
    }
    for (const found of missing.values()) {
      if (!this.#missing.has(found.eventType)) {
        this.#logger.error(
          `${found.eventType} has no partition for ${
            found.windows
          } window(s) since ${found.since.toISOString()}, past their SLA: the consumer or the completionist is stalled (a window without events would have been delivered empty)`,
        );
        this.#signals?.publish({
          eventType: found.eventType,
          partitionStart: found.since,
          state: 'missing',
        });
      }
    }
    for (const eventType of this.#missing.keys()) {
      if (!missing.has(eventType)) {
        this.#logger.info(
          `${eventType} has a partition for every window again`,
        );
      }
    }
    this.#missing = missing;
    return [...missing.values()];
  }
}
