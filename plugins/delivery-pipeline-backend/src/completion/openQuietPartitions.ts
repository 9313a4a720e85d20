import { LoggerService } from '@backstage/backend-plugin-api';
import { partitionStartOf } from '@data-collection/plugin-delivery-pipeline-node';
import { CompletionStore } from './CompletionStore';

/** What the opener reads from the schema registry. */
export interface RegisteredEventTypes {
  /** Every registered event type; a deleted one is not among them. */
  listEventTypes(): Promise<Array<{ name: string; createdAt: string }>>;
}

export type QuietPartitionOpenerOptions = {
  store: Pick<
    CompletionStore,
    'getOpeningFloor' | 'listOpenedUntil' | 'openPartitions'
  >;
  eventTypes: RegisteredEventTypes;
  widthMs: number;
  /**
   * The completionist's grace: a window is opened only once it can close
   * at once, so a quiet partition is never seen open.
   */
  graceMs: number;
  /** No window that began longer ago than this is opened. */
  maxBackfillMs: number;
  /** Most windows opened in one run; the rest wait for the next. */
  maxWindowsPerRun: number;
  logger: LoggerService;
};

/**
 * Gives every registered event type a partition for every window from its
 * registration on, events or not, so that a quiet window closes and is
 * delivered empty like any other, and a window with no partition is a real
 * gap. Windows are opened once the consumer's watermark and the grace are
 * past their end (until then events may still arrive and the consumer opens
 * them), so they close in the same run, from
 * the latest of: the window the type was registered in, the pipeline's first
 * run (recorded by the store, so an install does not backfill a registry's
 * years) and `maxBackfillMs` before now. A deleted type gets no new ones.
 *
 * The completionist runs it before closing; each type's progress is kept in
 * the store, so a run continues where the last stopped and, oldest windows
 * first, opens at most `maxWindowsPerRun`.
 */
export class QuietPartitionOpener {
  readonly #options: QuietPartitionOpenerOptions;

  constructor(options: QuietPartitionOpenerOptions) {
    this.#options = options;
  }

  /** Returns how many partitions this run opened. */
  async runOnce(options: { watermark: Date; now: Date }): Promise<number> {
    const { store, widthMs, logger } = this.#options;
    const floor = await store.getOpeningFloor(options.now);
    const lowest = Math.max(
      floor.getTime(),
      options.now.getTime() - this.#options.maxBackfillMs,
    );
    const [types, openedUntil] = await Promise.all([
      this.#options.eventTypes.listEventTypes(),
      store.listOpenedUntil(),
    ]);
    const pending = types
      .map(type => {
        const registeredAt = Date.parse(type.createdAt);
        const first = partitionStartOf(
          Number.isNaN(registeredAt) ? lowest : Math.max(registeredAt, lowest),
          widthMs,
        );
        return {
          eventType: type.name,
          from: Math.max(first, openedUntil.get(type.name) ?? first),
        };
      })
      // Oldest first: a type far behind catches up before newer windows.
      .sort(
        (a, b) => a.from - b.from || a.eventType.localeCompare(b.eventType),
      );

    const openUntil = Math.min(
      options.watermark.getTime(),
      options.now.getTime() - this.#options.graceMs,
    );
    let budget = this.#options.maxWindowsPerRun;
    let opened = 0;
    for (const { eventType, from } of pending) {
      const windows: Array<{ start: number; end: number }> = [];
      for (
        let start = from;
        start + widthMs <= openUntil && budget > 0;
        start += widthMs, budget--
      ) {
        windows.push({ start, end: start + widthMs });
      }
      if (windows.length === 0) continue;
      opened += await store.openPartitions({
        eventType,
        windows,
        openedUntil: windows[windows.length - 1].end,
      });
    }
    if (opened > 0) {
      logger.info(
        `Opened ${opened} partition(s) of windows without events, so that they are delivered empty${
          budget === 0
            ? ` (the run's limit, deliveryPipeline.completionist.maxQuietPartitionsPerRun, was reached; the next run goes on)`
            : ''
        }`,
      );
    }
    return opened;
  }
}
