import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  InProcessProducer,
  InProcessSend,
} from '@data-collection/plugin-delivery-pipeline-node';
import { DemoEventGenerator, DemoEventRates } from './DemoEventGenerator';
import { RandomSource } from './random';

/** The producer the demo's events are sent as. */
export const DEMO_TRAFFIC_PRODUCER = 'demo-traffic';

const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
/** Well below ingest's default limit of 1000 events per batch. */
const MAX_BATCH_EVENTS = 500;
/** Problems are logged at most this often. */
const LOG_INTERVAL_MS = 60_000;

/**
 * Sends a steady stream of realistic events of the demo event types through
 * ingest, so that a local portal has partitions to show: batches a few
 * times a second, with resends, conflicting ids, invalid events and client
 * delay (see {@link DemoEventGenerator}). It starts sending once the
 * registry knows the demo types (`isRegistered`): the registry registers
 * them at its own start, which races with the pipeline's, and events sent
 * before would be refused and kept as failed events. Failures (a full
 * transport, a type deleted) are logged at most once a minute; it keeps
 * going regardless.
 *
 * An in-process producer: the pipeline plugin starts it with its ingest
 * once the plugin has started, and stops it at shutdown.
 */
export class DemoTraffic implements InProcessProducer {
  readonly name = DEMO_TRAFFIC_PRODUCER;
  #send?: InProcessSend;
  readonly #logger: LoggerService;
  readonly #eventsPerSecond: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #generator: DemoEventGenerator;
  #running = false;
  #timer?: NodeJS.Timeout;
  #inFlight?: Promise<void>;
  /** Events due but not sent yet; fractions carry over to the next tick. */
  #budget = 0;
  #lastTickAt = 0;
  readonly #isRegistered?: (eventType: string) => Promise<boolean>;
  /** Whether every demo type was found registered (then not asked again). */
  #typesRegistered = false;
  #waitLogged = false;
  /** When each kind of problem was last logged, and how often since. */
  readonly #problems = new Map<
    string,
    { loggedAt: number; suppressed: number }
  >();

  constructor(options: {
    logger: LoggerService;
    /** Events per second, all types together. Default 20. */
    eventsPerSecond?: number;
    /** Time between batches. Default 250 ms. */
    intervalMs?: number;
    /** Uniform numbers in [0, 1); default `Math.random`. */
    random?: RandomSource;
    /** The clock, ms since the epoch; default `Date.now`. */
    now?: () => number;
    /** Shares of resends, conflicts and invalid events. */
    rates?: Partial<DemoEventRates>;
    /**
     * Whether the registry knows an event type; sending waits until it
     * knows every demo type. Without it, sending starts at once.
     */
    isRegistered?: (eventType: string) => Promise<boolean>;
  }) {
    this.#logger = options.logger;
    this.#isRegistered = options.isRegistered;
    this.#eventsPerSecond = options.eventsPerSecond ?? 20;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#now = options.now ?? Date.now;
    if (!(this.#eventsPerSecond > 0) || !(this.#intervalMs > 0)) {
      throw new Error(
        `Demo traffic needs a positive rate and interval; got ${
          this.#eventsPerSecond
        } events/s every ${this.#intervalMs} ms`,
      );
    }
    this.#generator = new DemoEventGenerator({
      random: options.random,
      now: this.#now,
      rates: options.rates,
    });
  }

  /** Starts sending through `send`; does nothing when already started. */
  start(send: InProcessSend): void {
    if (this.#running) return;
    this.#running = true;
    this.#send = send;
    this.#lastTickAt = this.#now();
    this.#logger.info(
      `Sending demo traffic: about ${
        this.#eventsPerSecond
      } events/s of ${this.#generator.eventTypes.join(
        ', ',
      )} as producer ${DEMO_TRAFFIC_PRODUCER}, with resends, conflicting ids, invalid events and client delay`,
    );
    this.#schedule();
  }

  /** Stops sending, once the batch being sent (if any) is answered. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule() {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#tick().finally(() => {
        this.#inFlight = undefined;
        if (this.#running) this.#schedule();
      });
    }, this.#intervalMs);
    this.#timer.unref?.();
  }

  /** Sends the events due since the last tick, at most a second's worth. */
  async #tick(): Promise<void> {
    if (!(await this.#typesAreRegistered())) {
      this.#lastTickAt = this.#now();
      return;
    }
    const now = this.#now();
    const elapsedMs = Math.max(0, now - this.#lastTickAt);
    this.#lastTickAt = now;
    // After a stall (a slow or full pipeline) continue at the rate, without
    // a burst that makes up for it.
    this.#budget = Math.min(
      this.#budget + (this.#eventsPerSecond * elapsedMs) / 1000,
      Math.max(this.#eventsPerSecond, 1),
    );
    let due = Math.floor(this.#budget);
    this.#budget -= due;
    while (due > 0 && this.#running) {
      const count = Math.min(due, MAX_BATCH_EVENTS);
      due -= count;
      await this.#sendBatch(count);
    }
  }

  async #typesAreRegistered(): Promise<boolean> {
    if (this.#typesRegistered || !this.#isRegistered) return true;
    const { eventTypes } = this.#generator;
    const known = await Promise.all(
      eventTypes.map(name => this.#isRegistered!(name).catch(() => false)),
    );
    const missing = eventTypes.filter((_, i) => !known[i]);
    if (missing.length === 0) {
      this.#typesRegistered = true;
      return true;
    }
    if (!this.#waitLogged) {
      this.#waitLogged = true;
      this.#logger.info(
        `Demo traffic waits for the registry to register ${missing.join(
          ', ',
        )} (eventSchemas.demoData.directories)`,
      );
    }
    return false;
  }

  async #sendBatch(count: number): Promise<void> {
    const events = this.#generator.nextBatch(count);
    const invalid = events.filter(event => event.kind === 'invalid').length;
    const body = Buffer.from(`[${events.map(event => event.json).join(',')}]`);
    try {
      const { rejected } = await this.#send!({
        headers: { 'content-type': BATCH_CONTENT_TYPE },
        body,
      });
      if (rejected.length > invalid) {
        this.#problem(
          'rejected',
          `Demo traffic: ingest rejected ${
            rejected.length
          } of ${count} events, of which ${invalid} were invalid on purpose; first reason: ${reasonOf(
            rejected[0],
          )}`,
        );
      }
    } catch (error) {
      const e = toError(error);
      const full =
        e.name === 'TransportFullError' ||
        (e as { statusCode?: unknown }).statusCode === 429;
      this.#problem(
        full ? 'full' : 'failed',
        full
          ? `Demo traffic: the pipeline is full (429) and refused ${count} events; carrying on`
          : `Demo traffic: sending ${count} events failed; carrying on`,
        e,
      );
    }
  }

  /** Logs a warning, at most once a minute per kind of problem. */
  #problem(kind: string, message: string, error?: Error) {
    const now = this.#now();
    const last = this.#problems.get(kind);
    if (last && now - last.loggedAt < LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    const more = last?.suppressed
      ? ` (${last.suppressed} more times since the last report)`
      : '';
    this.#logger.warn(
      `${message}${more}; reported at most once a minute`,
      error,
    );
    this.#problems.set(kind, { loggedAt: now, suppressed: 0 });
  }
}

/** The reason in an ingest rejection (`{ index, id, reason }`), if any. */
function reasonOf(rejection: unknown): string {
  if (
    typeof rejection === 'object' &&
    rejection !== null &&
    typeof (rejection as { reason?: unknown }).reason === 'string'
  ) {
    return (rejection as { reason: string }).reason;
  }
  return JSON.stringify(rejection) ?? String(rejection);
}
