import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  CatalogScmEvent,
  CatalogScmEventsService,
  CatalogScmEventsServiceSubscriber,
} from '@backstage/plugin-catalog-node/alpha';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { EntitySyncReport } from './EventTypeFileSync';
import { ScmEventSync, SCM_EVENT_ACTION } from './ScmEventSync';

/** The SCM events service as the catalog's default: in memory. */
class FakeScmEvents implements CatalogScmEventsService {
  readonly subscribers = new Set<CatalogScmEventsServiceSubscriber>();
  readonly actions: Array<{ action: string; count?: number }> = [];
  subscribe(subscriber: CatalogScmEventsServiceSubscriber) {
    this.subscribers.add(subscriber);
    return { unsubscribe: () => this.subscribers.delete(subscriber) };
  }
  async publish(events: CatalogScmEvent[]) {
    for (const subscriber of this.subscribers)
      await subscriber.onEvents(events);
  }
  markEventActionTaken(options: { action: string; count?: number }) {
    this.actions.push(options);
  }
}

function entity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `url:https://github.com/acme/${name}/blob/main/catalog-info.yaml`,
        'event-schemas/event-types': 'dir:./event-types',
      },
    },
    spec: { owner: 'playback' },
  };
}

const updated = (repo: string): CatalogScmEvent => ({
  type: 'repository.updated',
  url: `https://github.com/acme/${repo}`,
});

describe('ScmEventSync', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup(options?: { perMinute?: number }) {
    const scmEvents = new FakeScmEvents();
    const synced: string[] = [];
    const sync = {
      annotatedEntities: jest.fn(async () => [
        entity('playback'),
        entity('radio'),
        entity('podcasts'),
      ]),
      syncEntity: jest.fn(async (e: Entity) => {
        synced.push(e.metadata.name);
        return {} as EntitySyncReport;
      }),
    };
    const scmSync = new ScmEventSync({
      sync,
      scmEvents,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      rateLimiter: new RegistrationRateLimiter({
        perMinute: options?.perMinute ?? 30,
        now: () => Date.now(),
      }),
      debounceMs: 10_000,
      logger: mockServices.logger.mock(),
    });
    scmSync.start();
    return { scmEvents, scmSync, sync, synced };
  }

  it('syncs each source a burst of events names once, after the debounce', async () => {
    const { scmEvents, scmSync, sync, synced } = setup();
    await scmEvents.publish([updated('playback')]);
    await jest.advanceTimersByTimeAsync(5_000);
    await scmEvents.publish([updated('playback'), updated('radio')]);
    await scmEvents.publish([updated('elsewhere')]);
    expect(synced).toEqual([]);

    await jest.advanceTimersByTimeAsync(5_000);
    await scmSync.idle();
    expect(synced).toEqual(['playback', 'radio']);
    expect(sync.annotatedEntities).toHaveBeenCalledTimes(1);
    expect(scmEvents.actions).toEqual([{ action: SCM_EVENT_ACTION, count: 2 }]);

    // Events that name no source sync nothing and report no action.
    await scmEvents.publish([updated('elsewhere')]);
    await jest.advanceTimersByTimeAsync(10_000);
    await scmSync.idle();
    expect(synced).toEqual(['playback', 'radio']);
    expect(scmEvents.actions).toHaveLength(1);
  });

  it('syncs no more sources than the rate limit allows, the rest when it does', async () => {
    const { scmEvents, scmSync, synced } = setup({ perMinute: 2 });
    await scmEvents.publish([
      updated('playback'),
      updated('radio'),
      updated('podcasts'),
    ]);
    await jest.advanceTimersByTimeAsync(10_000);
    await scmSync.idle();
    expect(synced).toEqual(['playback', 'radio']);

    await jest.advanceTimersByTimeAsync(30_000);
    await scmSync.idle();
    expect(synced).toEqual(['playback', 'radio']);
    await jest.advanceTimersByTimeAsync(31_000);
    await scmSync.idle();
    expect(synced).toEqual(['playback', 'radio', 'podcasts']);
  });

  it('stops listening when stopped', async () => {
    const { scmEvents, scmSync, synced } = setup();
    await scmEvents.publish([updated('playback')]);
    scmSync.stop();
    expect(scmEvents.subscribers.size).toBe(0);
    await jest.advanceTimersByTimeAsync(20_000);
    await scmSync.idle();
    expect(synced).toEqual([]);
  });

  it('keeps listening when the catalog does not answer', async () => {
    const { scmEvents, scmSync, sync, synced } = setup();
    sync.annotatedEntities.mockRejectedValueOnce(new Error('catalog down'));
    await scmEvents.publish([updated('playback')]);
    await jest.advanceTimersByTimeAsync(10_000);
    await scmSync.idle();
    expect(synced).toEqual([]);
    await scmEvents.publish([updated('radio')]);
    await jest.advanceTimersByTimeAsync(10_000);
    await scmSync.idle();
    expect(synced).toEqual(['radio']);
  });
});
