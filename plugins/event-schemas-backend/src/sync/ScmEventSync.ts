import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  CatalogScmEvent,
  CatalogScmEventsService,
} from '@backstage/plugin-catalog-node/alpha';
import {
  RegistrationRateLimiter,
  TooManyRegistrationsError,
} from '../service/RegistrationRateLimiter';
import { EventTypeFileSync, SYNC_PRINCIPAL } from './EventTypeFileSync';
import { eventTypeFilesLocation } from './eventTypeFilesLocation';
import { ScmEventSource, sourcesChangedBy } from './scmEventSources';

/** How long a burst of SCM events is collected before the sync runs. */
export const DEFAULT_SCM_EVENTS_DEBOUNCE_MS = 10_000;

/** The action the sync reports to the SCM events service, for its metrics. */
export const SCM_EVENT_ACTION = 'event-schemas-sync';

type ScmEventSyncOptions = {
  sync: Pick<EventTypeFileSync, 'annotatedEntities' | 'syncEntity'>;
  scmEvents: CatalogScmEventsService;
  integrations: ScmIntegrationRegistry;
  /** The registry's, shared with the API: the sync counts as one principal. */
  rateLimiter: RegistrationRateLimiter;
  debounceMs: number;
  logger: LoggerService;
};

/**
 * Syncs the sources that SCM events (pushes, as the catalog hears them)
 * may have changed, rather than waiting for the schedule. Events are
 * collected for `debounceMs`, so a burst syncs each source once; each
 * source synced takes one registration of the sync's own rate limit, and
 * those over it wait until it allows them. In memory, per replica: the
 * schedule remains the guarantee.
 */
export class ScmEventSync {
  readonly #options: ScmEventSyncOptions;
  #events: CatalogScmEvent[] = [];
  /** Sources matched but held back by the rate limit. */
  readonly #deferred = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(options: ScmEventSyncOptions) {
    this.#options = options;
  }

  /** Subscribes to the SCM events; `stop` undoes it. */
  start(): void {
    this.#unsubscribe = this.#options.scmEvents.subscribe({
      // Returns at once: the publisher waits for every subscriber.
      onEvents: async events => {
        this.#events.push(...events);
        this.#schedule(this.#options.debounceMs);
      },
    }).unsubscribe;
  }

  stop(): void {
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when the syncs started so far are done (for tests). */
  async idle(): Promise<void> {
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // One run at a time: events of a later burst wait for this one.
      this.#running = this.#running.then(() => this.#run());
    }, delayMs);
    this.#timer.unref?.();
  }

  async #run(): Promise<void> {
    const events = this.#events;
    this.#events = [];
    const { sync, scmEvents, rateLimiter, logger } = this.#options;
    try {
      const entities = await sync.annotatedEntities();
      const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
      const refs = new Set([
        ...this.#deferred,
        ...sourcesChangedBy({
          events,
          sources: entities.map(e => this.#source(e)),
        }),
      ]);
      this.#deferred.clear();
      const due = [...refs];
      let synced = 0;
      for (const [index, ref] of due.entries()) {
        const entity = byRef.get(ref);
        if (!entity) continue;
        try {
          rateLimiter.take(SYNC_PRINCIPAL);
        } catch (error) {
          if (!(error instanceof TooManyRegistrationsError)) throw error;
          due.slice(index).forEach(later => this.#deferred.add(later));
          logger.info(
            `Syncing ${this.#deferred.size} event type file sources in ${
              error.retryAfterSeconds
            } s, when the rate limit allows`,
          );
          this.#schedule(error.retryAfterSeconds * 1000);
          break;
        }
        await sync.syncEntity(entity);
        synced += 1;
      }
      if (synced > 0) {
        scmEvents.markEventActionTaken({
          action: SCM_EVENT_ACTION,
          count: synced,
        });
      }
    } catch (error) {
      // The schedule catches up.
      logger.warn(
        `Could not sync after SCM events: ${
          isError(error) ? error.message : error
        }`,
      );
    }
  }

  #source(entity: Entity): ScmEventSource {
    const source: ScmEventSource = { entityRef: stringifyEntityRef(entity) };
    try {
      source.filesLocation = eventTypeFilesLocation({
        entity,
        integrations: this.#options.integrations,
      });
    } catch {
      // An annotation that does not resolve: its entity's file may fix it.
    }
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    if (location) {
      try {
        const ref = parseLocationRef(location);
        if (ref.type === 'url') source.entityLocation = ref.target;
      } catch {
        // Not a location the events could name.
      }
    }
    return source;
  }
}
