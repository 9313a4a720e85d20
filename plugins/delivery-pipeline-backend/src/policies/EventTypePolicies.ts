import { LoggerService } from '@backstage/backend-plugin-api';
import { EventType, TtlCache } from '@data-collection/plugin-event-schemas-common';
import { Duration } from 'luxon';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';

/**
 * What the pipeline applies to the partitions of one event type: who is told
 * when it is late, how late it may be, and how long its data is kept.
 */
export type EventTypePolicy = {
  eventType: string;
  /** Catalog ref of the owning group; absent when the type is not registered. */
  owner?: string;
  /** Whether the registry knows the type; a deleted type gets the defaults. */
  registered: boolean;
  /** How long after its end a partition may be delivered. */
  maxLatenessMs: number;
  /** `maxLatenessMs` in words, e.g. `PT4H`. */
  maxLateness: string;
  /** Whether `maxLatenessMs` is the type's own or the configured default. */
  slaSource: 'registry' | 'default';
  /**
   * How long raw files and delivered partitions are kept after the
   * partition's end; undefined is forever. `raw` and `delivered` say the same
   * in words for messages, e.g. `P7D`, or `P7D (default)` when the type's
   * own was not used.
   */
  retention: {
    rawMs?: number;
    deliveredMs?: number;
    raw?: string;
    delivered?: string;
  };
};

/** Where the tasks get policies from: {@link EventTypePolicies}, or a fake. */
export interface EventTypePolicySource {
  /** Throws when the registry cannot be reached. */
  get(eventType: string): Promise<EventTypePolicy>;
}

/** Applied to types that are not registered, or whose values do not parse. */
export type EventTypePolicyDefaults = {
  maxLatenessMs: number;
  /** Undefined: raw files of unregistered types are kept forever. */
  rawRetentionMs?: number;
  /** Undefined: delivered partitions of unregistered types are kept forever. */
  deliveredRetentionMs?: number;
};

/**
 * The policies of event types, read from the schema registry and kept for
 * `ttlMs` (or until {@link EventTypePolicies.forget} on a registry change
 * event). A type the registry does not know (deleted, or never registered)
 * gets the configured defaults and no owner; a duration that does not parse
 * is logged and the default used instead. When the registry cannot be
 * reached, `get` throws and nothing is cached, so the caller tries again on
 * its next run.
 */
export class EventTypePolicies implements EventTypePolicySource {
  readonly #eventTypes: Pick<EventTypeReader, 'getEventType'>;
  readonly #defaults: EventTypePolicyDefaults;
  readonly #logger: LoggerService;
  readonly #cache: TtlCache<EventTypePolicy>;

  constructor(options: {
    /** The schema registry (an `HttpEventTypeReader`), or a fake in tests. */
    eventTypes: Pick<EventTypeReader, 'getEventType'>;
    defaults: EventTypePolicyDefaults;
    logger: LoggerService;
    /** How long a looked-up policy is used. Default 1 minute. */
    ttlMs?: number;
    /** Default 10 000. */
    maxEntries?: number;
    now?: () => Date;
  }) {
    this.#eventTypes = options.eventTypes;
    this.#defaults = options.defaults;
    this.#logger = options.logger;
    const now = options.now;
    this.#cache = new TtlCache({
      ttlMs: options.ttlMs ?? 60_000,
      maxEntries: options.maxEntries ?? 10_000,
      now: now ? () => now().getTime() : undefined,
    });
  }

  async get(eventType: string): Promise<EventTypePolicy> {
    return this.#cache.getOrLoad(eventType, async () =>
      this.#toPolicy(eventType, await this.#eventTypes.getEventType(eventType)),
    );
  }

  /** Looks the type up again on next use: it changed in the registry. */
  forget(eventType: string): void {
    this.#cache.delete(eventType);
  }

  #toPolicy(name: string, type: EventType | undefined): EventTypePolicy {
    const defaults = this.#defaults;
    if (!type) {
      return {
        eventType: name,
        registered: false,
        maxLatenessMs: defaults.maxLatenessMs,
        maxLateness: `${formatDuration(defaults.maxLatenessMs)} (default)`,
        slaSource: 'default',
        retention: {
          rawMs: defaults.rawRetentionMs,
          deliveredMs: defaults.deliveredRetentionMs,
          raw: describeDefault(defaults.rawRetentionMs),
          delivered: describeDefault(defaults.deliveredRetentionMs),
        },
      };
    }

    const sla = this.#parse(name, 'sla.maxLateness', type.sla?.maxLateness);
    const raw = this.#parse(name, 'retention.raw', type.retention?.raw);
    const delivered = this.#parse(
      name,
      'retention.delivered',
      type.retention?.delivered,
    );
    return {
      eventType: name,
      owner: type.owner || undefined,
      registered: true,
      maxLatenessMs: sla?.ms ?? defaults.maxLatenessMs,
      maxLateness:
        sla?.text ?? `${formatDuration(defaults.maxLatenessMs)} (default)`,
      slaSource: sla ? 'registry' : 'default',
      retention: {
        rawMs: raw ? raw.ms : defaults.rawRetentionMs,
        deliveredMs: delivered ? delivered.ms : defaults.deliveredRetentionMs,
        raw: raw ? raw.text : describeDefault(defaults.rawRetentionMs),
        delivered: delivered
          ? delivered.text
          : describeDefault(defaults.deliveredRetentionMs),
      },
    };
  }

  /** A positive ISO 8601 duration, or undefined (logged) when it is not. */
  #parse(
    name: string,
    field: string,
    value: string | undefined,
  ): { ms: number; text: string } | undefined {
    if (value === undefined || value === null || value === '') {
      this.#logger.warn(
        `Event type ${name} has no ${field} in the registry; using the default`,
      );
      return undefined;
    }
    const duration = Duration.fromISO(String(value));
    const ms = duration.isValid ? duration.toMillis() : NaN;
    if (!Number.isFinite(ms) || ms <= 0) {
      this.#logger.warn(
        `Event type ${name} has ${field} '${value}', which is not a positive ISO 8601 duration such as P30D or PT4H; using the default`,
      );
      return undefined;
    }
    return { ms, text: String(value) };
  }
}

function describeDefault(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : `${formatDuration(ms)} (default)`;
}

/**
 * Milliseconds as an ISO 8601 duration in days and smaller units, e.g.
 * `P7D`, `PT4H`, `P1DT30M`, `PT0.5S`.
 */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['D', 86_400_000],
    ['H', 3_600_000],
    ['M', 60_000],
  ];
  let rest = Math.max(0, Math.round(ms));
  let date = '';
  let time = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) {
      if (unit === 'D') date += `${count}D`;
      else time += `${count}${unit}`;
    }
  }
  if (rest > 0) {
    time += `${rest / 1000}S`;
  }
  if (!date && !time) {
    return 'PT0S';
  }
  return `P${date}${time ? `T${time}` : ''}`;
}
