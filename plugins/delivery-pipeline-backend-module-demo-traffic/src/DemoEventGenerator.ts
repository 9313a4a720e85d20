import {
  DEMO_EVENT_TYPES,
  DemoEventType,
  EventData,
  pickRegion,
} from './demoEventTypes';
import {
  logUniform,
  pick,
  pickWeighted,
  RandomSource,
  randomUuid,
} from './random';

/** A CloudEvent in the JSON format, as the demo sends it. */
export type DemoEvent = {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  data: EventData;
};

/**
 * What an event of a batch is: `new`; a `resend` of an earlier one, byte
 * for byte (a client retrying after a lost response); a `conflict`, an
 * earlier event's source and id with other data (a client reusing ids); or
 * `invalid`, data that breaks the schema.
 */
export type DemoEventKind = 'new' | 'resend' | 'conflict' | 'invalid';

/** One event of a batch: its JSON text and what it is. */
export type GeneratedEvent = { kind: DemoEventKind; json: string };

/** The share of events of each kind other than `new`. */
export type DemoEventRates = {
  resend: number;
  conflict: number;
  invalid: number;
};

export const DEFAULT_DEMO_EVENT_RATES: Readonly<DemoEventRates> = {
  resend: 0.03,
  conflict: 0.005,
  invalid: 0.01,
};

/** Earlier events kept for resends and conflicts. */
const REMEMBERED_EVENTS = 2000;
/** Attempts at data other than the original's, for a conflict. */
const CONFLICT_ATTEMPTS = 20;

/**
 * How long before it is sent a client stamped an event, in ms: mostly well
 * under a few seconds (network, batching in the app), some seconds to
 * minutes (retries, apps in the background), a few hours to days (mobile
 * clients that were offline), so that some events are older than the hour
 * they are received in.
 */
export function sampleClientDelayMs(random: RandomSource): number {
  const bucket = random();
  if (bucket < 0.9) {
    // Exponential, mean 0.6 s, capped at 5 s.
    return Math.min(-Math.log(1 - random()) * 600, 5000);
  }
  if (bucket < 0.98) return logUniform(random, 5_000, 10 * 60_000);
  if (bucket < 0.995) return logUniform(random, 10 * 60_000, 2 * 3_600_000);
  return logUniform(random, 2 * 3_600_000, 3 * 24 * 3_600_000);
}

/**
 * Makes the demo's events: realistic data of the demo event types from
 * their services' regions, with client delay, resends, conflicts and
 * invalid events at the given rates. Deterministic for a seeded random
 * source and clock.
 */
export class DemoEventGenerator {
  readonly #random: RandomSource;
  readonly #now: () => number;
  readonly #rates: DemoEventRates;
  readonly #eventTypes: readonly DemoEventType[];
  /** Valid events sent in earlier batches, as sent. */
  readonly #remembered: string[] = [];
  #nextRemembered = 0;

  constructor(
    options: {
      random?: RandomSource;
      now?: () => number;
      rates?: Partial<DemoEventRates>;
      eventTypes?: readonly DemoEventType[];
    } = {},
  ) {
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#rates = { ...DEFAULT_DEMO_EVENT_RATES, ...options.rates };
    this.#eventTypes = options.eventTypes ?? DEMO_EVENT_TYPES;
  }

  /** The event types it sends, by name. */
  get eventTypes(): string[] {
    return this.#eventTypes.map(eventType => eventType.type);
  }

  /**
   * The next `count` events. Resends and conflicts repeat events of earlier
   * batches only: a retry comes after the first attempt was sent.
   */
  nextBatch(count: number): GeneratedEvent[] {
    const { resend, conflict, invalid } = this.#rates;
    const batch: GeneratedEvent[] = [];
    const sentNow: string[] = [];
    for (let i = 0; i < count; i++) {
      const roll = this.#random();
      const earlier =
        this.#remembered.length > 0 && roll < resend + conflict
          ? pick(this.#random, this.#remembered)
          : undefined;
      if (earlier && roll < resend) {
        batch.push({ kind: 'resend', json: earlier });
      } else if (earlier) {
        batch.push({ kind: 'conflict', json: this.#conflicting(earlier) });
      } else if (
        roll >= resend + conflict &&
        roll < resend + conflict + invalid
      ) {
        batch.push({ kind: 'invalid', json: this.#event('invalid') });
      } else {
        const json = this.#event('valid');
        batch.push({ kind: 'new', json });
        sentNow.push(json);
      }
    }
    for (const json of sentNow) this.#remember(json);
    return batch;
  }

  #event(variant: 'valid' | 'invalid'): string {
    const eventType = pickWeighted(
      this.#random,
      this.#eventTypes.map(t => [t, t.weight] as const),
    );
    const time = this.#now() - sampleClientDelayMs(this.#random);
    const event: DemoEvent = {
      specversion: '1.0',
      id: randomUuid(this.#random),
      source: `//${eventType.service}/${pickRegion(this.#random)}`,
      type: eventType.type,
      time: new Date(time).toISOString(),
      datacontenttype: 'application/json',
      data: eventType[variant](this.#random),
    };
    return JSON.stringify(event);
  }

  /** The earlier event with other valid data; all else the same. */
  #conflicting(json: string): string {
    const original = JSON.parse(json) as DemoEvent;
    const eventType = this.#eventTypes.find(t => t.type === original.type);
    const before = JSON.stringify(original.data);
    for (let attempt = 0; eventType && attempt < CONFLICT_ATTEMPTS; attempt++) {
      const data = eventType.valid(this.#random);
      if (JSON.stringify(data) !== before) {
        return JSON.stringify({ ...original, data });
      }
    }
    // Unreachable in practice: random data repeating 20 times over.
    return JSON.stringify({
      ...original,
      data: { ...original.data, user_id: `${original.data.user_id}-x` },
    });
  }

  #remember(json: string) {
    if (this.#remembered.length < REMEMBERED_EVENTS) {
      this.#remembered.push(json);
    } else {
      this.#remembered[this.#nextRemembered] = json;
      this.#nextRemembered = (this.#nextRemembered + 1) % REMEMBERED_EVENTS;
    }
  }
}
