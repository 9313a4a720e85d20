import {
  compileValidator,
  EventType,
  retiredEventTypeReason,
  SchemaError,
  SchemaValidator,
  TtlCache,
} from '@data-collection/plugin-event-schemas-common';
import {
  EventTypeReader,
  resolveReferencesThrough,
} from '@data-collection/plugin-event-schemas-node';

/** The schema an event is checked against. */
export type VersionValidator = {
  eventType: EventType;
  version: number;
  validate: SchemaValidator;
};

/**
 * Why an event has no schema to be checked against; `retired` when its type
 * was retired (a single such event is answered 410 Gone).
 */
export type ValidatorLookupFailure = { reason: string; retired?: true };

/**
 * Compiled validators of registered event types, for ingest. A version never
 * changes, so its validator is kept until evicted; which versions exist and
 * which is latest may change, so event types are looked up again after
 * `typeTtlMs` or when the registry announces a change (see
 * {@link EventTypeValidators.forget}). While the registry cannot be
 * reached, a type read less than `staleIfErrorMs` ago is used as last read
 * (HTTP's stale-if-error): collection goes on while the registry's backend
 * restarts, at the cost of not seeing a change made meanwhile.
 */
export class EventTypeValidators {
  readonly #eventTypes: Pick<EventTypeReader, 'getEventType' | 'getVersion'>;
  readonly #types: TtlCache<EventType | undefined>;
  /** Each type as last read from the registry, for stale-if-error. */
  readonly #lastRead: TtlCache<{ eventType: EventType | undefined }>;
  readonly #onStale?: (name: string, error: unknown) => void;
  readonly #validators: TtlCache<
    SchemaValidator | ValidatorLookupFailure | undefined
  >;

  constructor(options: {
    /** The schema registry (an `HttpEventTypeReader`), or a fake in tests. */
    eventTypes: Pick<EventTypeReader, 'getEventType' | 'getVersion'>;
    /** How long a looked-up event type is used. Default 5 s. */
    typeTtlMs?: number;
    /** How many compiled validators are kept. Default 1000. */
    maxValidators?: number;
    /**
     * How long a type last read is used while the registry cannot be
     * reached (its reader throws). Default 0: not at all.
     */
    staleIfErrorMs?: number;
    /** Told each time a type last read is used for want of the registry. */
    onStale?: (name: string, error: unknown) => void;
    now?: () => number;
  }) {
    this.#eventTypes = options.eventTypes;
    this.#types = new TtlCache({
      ttlMs: options.typeTtlMs ?? 5000,
      maxEntries: 10_000,
      now: options.now,
    });
    this.#lastRead = new TtlCache({
      ttlMs: options.staleIfErrorMs ?? 0,
      maxEntries: 10_000,
      now: options.now,
      evict: 'oldest',
    });
    this.#onStale = options.onStale;
    this.#validators = new TtlCache({
      ttlMs: Infinity,
      maxEntries: options.maxValidators ?? 1000,
    });
  }

  /**
   * The validator of a version of a type (the latest when `version` is not
   * given), or the reason there is none.
   */
  async get(
    name: string,
    version?: number,
  ): Promise<VersionValidator | ValidatorLookupFailure> {
    const eventType = await this.getEventType(name);
    if (!eventType) {
      return {
        reason: `Unknown event type '${name}': register it in the schema registry before sending events of it`,
      };
    }
    // Deprecated types' events are still accepted; retired types' not.
    const retired = retiredEventTypeReason(eventType);
    if (retired) return { reason: retired, retired: true };
    const wanted = version ?? eventType.latestVersion;
    if (wanted > eventType.latestVersion) {
      return {
        reason: `Event type '${name}' has no version ${wanted}; its latest is ${eventType.latestVersion}`,
      };
    }
    const validate = await this.#validators.getOrLoad(
      `${name}\u0000${wanted}`,
      async () => {
        const registered = await this.#eventTypes.getVersion(name, wanted);
        if (!registered) {
          return undefined;
        }
        try {
          return compileValidator({
            format: eventType.format,
            schema: await this.resolve(eventType, registered.schema),
          });
        } catch (error) {
          // A version registered before a rule it breaks (a pattern RE2
          // cannot run): the events are refused, not retried, and the
          // failure is kept so that compiling is not tried per event.
          if (error instanceof SchemaError) {
            return {
              reason: `Version ${wanted} of event type '${name}' cannot validate events: ${error.message}; register a new version`,
            };
          }
          throw error;
        }
      },
    );
    if (!validate) {
      return { reason: `Event type '${name}' has no version ${wanted}` };
    }
    if ('reason' in validate) {
      return validate;
    }
    return { eventType, version: wanted, validate };
  }

  /**
   * The schema with the registered versions it references copied in, read
   * through the registry's API: the validator itself never fetches.
   */
  private async resolve(eventType: EventType, schema: string) {
    return resolveReferencesThrough({
      // The type look-ups go through this class's cache.
      eventTypes: {
        getEventType: name => this.getEventType(name),
        getVersion: (name, version) =>
          this.#eventTypes.getVersion(name, version),
      },
      format: eventType.format,
      schema,
    });
  }

  /** The registered type (cached as for {@link EventTypeValidators.get}). */
  async getEventType(name: string): Promise<EventType | undefined> {
    return this.#types.getOrLoad(name, async () => {
      try {
        const eventType = await this.#eventTypes.getEventType(name);
        this.#lastRead.set(name, { eventType });
        return eventType;
      } catch (error) {
        // Kept for the TTL like a fresh read: the registry is asked again
        // then, not on every event meanwhile.
        const last = this.#lastRead.get(name);
        if (!last) throw error;
        this.#onStale?.(name, error);
        return last.eventType;
      }
    });
  }

  /**
   * Looks the type up again on next use: it changed in the registry. What
   * was last read of it is no longer what it is, so it is not used stale.
   */
  forget(name: string): void {
    this.#types.delete(name);
    this.#lastRead.delete(name);
  }
}
