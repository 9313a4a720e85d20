import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  CatalogScmEvent,
  catalogScmEventsServiceRef,
  CatalogScmEventsServiceSubscriber,
} from '@backstage/plugin-catalog-node/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { eventSchemasPlugin } from '../plugin';
import { FakeUrlReader } from './__testUtils__/FakeUrlReader';

jest.setTimeout(120_000);

const DIRECTORY = 'https://github.com/acme/playback/tree/main/event-types';
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['track_id'],
  properties: { track_id: { type: 'string' } },
};
const file = (s: unknown) =>
  [
    'name: com.example.played',
    'owner: group:default/playback',
    'format: jsonschema',
    `schema: ${JSON.stringify(s)}`,
  ].join('\n');

// alice owns the type (group:default/playback); bob does not.
const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');

/** The catalog's in-memory SCM events service, as a push webhook feeds it. */
function fakeScmEvents() {
  const subscribers = new Set<CatalogScmEventsServiceSubscriber>();
  const actions: Array<{ action: string; count?: number }> = [];
  return {
    actions,
    subscribe(subscriber: CatalogScmEventsServiceSubscriber) {
      subscribers.add(subscriber);
      return { unsubscribe: () => subscribers.delete(subscriber) };
    },
    async publish(events: CatalogScmEvent[]) {
      for (const subscriber of subscribers) await subscriber.onEvents(events);
    },
    markEventActionTaken(options: { action: string; count?: number }) {
      actions.push(options);
    },
  };
}

async function start() {
  const reader = new FakeUrlReader();
  const scmEvents = fakeScmEvents();
  reader.trees.set(DIRECTORY, { 'played.yaml': file(schema) });
  const sent: NotificationSendOptions[] = [];
  const allowAlice = (credentials: any) =>
    credentials.principal.type === 'service' ||
    credentials.principal.userEntityRef === 'user:default/alice'
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'playback-service',
          namespace: 'default',
          annotations: {
            'backstage.io/managed-by-location':
              'url:https://github.com/acme/playback/blob/main/catalog-info.yaml',
            'event-schemas/event-types': 'dir:./event-types',
          },
        },
        spec: { owner: 'playback' },
      },
    ],
  });
  // The catalog decides who reads which entity: bob reads none.
  const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
  catalog.getEntitiesByRefs = (async (refs, options) => {
    const found = await getEntitiesByRefs(refs, options);
    const principal = (options as any)?.credentials?.principal;
    return principal?.userEntityRef === 'user:default/bob'
      ? { items: found.items.map(() => undefined) }
      : found;
  }) as typeof catalog.getEntitiesByRefs;
  const { server } = await startTestBackend({
    features: [
      eventSchemasPlugin,
      mockServices.rootConfig.factory({
        data: {
          // The test syncs through POST /sync, not the schedule.
          eventSchemas: {
            sync: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 1 },
                initialDelay: { hours: 24 },
              },
              scmEvents: { debounce: { milliseconds: 50 } },
            },
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(() => ({ result: allowAlice(credentials) })),
        authorizeConditional: async (requests, { credentials }) =>
          requests.map(() => ({ result: allowAlice(credentials) })) as any,
      }).factory,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      createServiceFactory({
        service: catalogScmEventsServiceRef,
        deps: {},
        factory: () => scmEvents,
      }),
      createServiceFactory({
        service: coreServices.urlReader,
        deps: {},
        factory: () => reader,
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            sent.push(options);
          },
        }),
      }),
    ],
  });
  const post = (path: string, body: unknown, user = alice) =>
    request(server)
      .post(`/api/event-schemas${path}`)
      .set('Authorization', user)
      .send(body as object);
  return { server, reader, sent, post, scmEvents };
}

describe('the sync through the API', () => {
  it('syncs an entity on request, then refuses API changes to its types with 409', async () => {
    const { server, reader, sent, post } = await start();

    const synced = await post('/sync', {
      entityRef: 'component:default/playback-service',
    });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({
      status: 'synced',
      files: [{ eventType: 'com.example.played', outcome: 'created' }],
    });

    const type = await request(server)
      .get('/api/event-schemas/event-types/com.example.played')
      .set('Authorization', alice);
    expect(type.body.managedBy).toEqual({
      entityRef: 'component:default/playback-service',
      location: `${DIRECTORY}/played.yaml`,
      path: 'played.yaml',
    });
    expect(type.body.lastSync).toMatchObject({ status: 'applied' });

    const patch = await request(server)
      .patch('/api/event-schemas/event-types/com.example.played')
      .set('Authorization', alice)
      .send({ title: 'Changed' });
    expect(patch.status).toBe(409);
    expect(patch.body.error.message).toBe(
      `com.example.played is managed in ${DIRECTORY}/played.yaml (declared by component:default/playback-service): change the file and merge it`,
    );
    const version = await post('/event-types/com.example.played/versions', {
      schema: { ...schema, properties: { ...schema.properties, n: {} } },
    });
    expect(version.status).toBe(409);
    const deleted = await request(server)
      .delete('/api/event-schemas/event-types/com.example.played')
      .set('Authorization', alice);
    expect(deleted.status).toBe(409);

    // A breaking change pushed to the repository: refused, owners told.
    reader.trees.set(DIRECTORY, {
      'played.yaml': file({ ...schema, required: ['artist_id'] }),
    });
    const refused = await post('/sync', { eventType: 'com.example.played' });
    expect(refused.status).toBe(200);
    expect(refused.body.files[0].outcome).toBe('refused');
    expect(sent).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: 'group:default/playback' },
        payload: expect.objectContaining({
          title:
            'com.example.played: the change in played.yaml was not registered',
          severity: 'high',
        }),
      }),
    ]);
  });

  it('lets only those who may change the type sync it, and says what to send', async () => {
    const { post } = await start();
    await post('/sync', { entityRef: 'component:default/playback-service' });

    const denied = await post(
      '/sync',
      { eventType: 'com.example.played' },
      bob,
    );
    expect(denied.status).toBe(403);
    const deniedEntity = await post(
      '/sync',
      { entityRef: 'component:default/playback-service' },
      bob,
    );
    expect(deniedEntity.status).toBe(403);

    const bad = await post('/sync', { repo: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Invalid sync request');
    const unknown = await post('/sync', {
      entityRef: 'component:default/nope',
    });
    expect(unknown.status).toBe(400);
  });

  it('lists each source with its files and their refusals, to those who may read its entity', async () => {
    const { server, reader, post } = await start();
    reader.trees.set(DIRECTORY, {
      'played.yaml': file(schema),
      'broken.yaml': 'name: com.example.broken\n',
    });
    await post('/sync', { entityRef: 'component:default/playback-service' });

    const get = (user: string) =>
      request(server)
        .get('/api/event-schemas/sync/sources')
        .set('Authorization', user);
    const listed = await get(alice);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [
        {
          entityRef: 'component:default/playback-service',
          location: DIRECTORY,
          lastSyncAt: expect.any(String),
          status: 'synced',
          files: [
            {
              path: 'broken.yaml',
              outcome: 'refused',
              reasons: expect.arrayContaining(["must have 'format'"]),
            },
            {
              path: 'played.yaml',
              eventType: 'com.example.played',
              outcome: 'created',
            },
          ],
        },
      ],
    });
    expect((await get(bob)).body).toEqual({ items: [] });
    expect((await get(mockCredentials.none.header())).status).toBe(401);
    const unknown = await request(server)
      .get('/api/event-schemas/sync/sources?entityRef=x')
      .set('Authorization', alice);
    expect(unknown.status).toBe(400);
  });

  it('tells the owners of a source about a refused file once', async () => {
    const { reader, sent, post } = await start();
    reader.trees.set(DIRECTORY, {
      'broken.yaml': 'name: com.example.broken\n',
    });
    await post('/sync', { entityRef: 'component:default/playback-service' });
    await post('/sync', { entityRef: 'component:default/playback-service' });
    expect(sent).toEqual([
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: 'component:default/playback-service',
        },
        payload: expect.objectContaining({
          title:
            'broken.yaml of component:default/playback-service registered no event type',
          link: `${DIRECTORY}/broken.yaml`,
        }),
      }),
    ]);
  });

  it('syncs a source when an SCM event says its repository changed', async () => {
    const { server, scmEvents } = await start();
    await scmEvents.publish([
      { type: 'repository.updated', url: 'https://github.com/acme/other' },
      { type: 'repository.updated', url: 'https://github.com/acme/playback' },
      {
        type: 'location.updated',
        url: `${DIRECTORY.replace('/tree/', '/blob/')}/played.yaml`,
      },
    ]);
    let status = 404;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      status = (
        await request(server)
          .get('/api/event-schemas/event-types/com.example.played')
          .set('Authorization', alice)
      ).status;
    }
    expect(status).toBe(200);
    expect(scmEvents.actions).toEqual([
      { action: 'event-schemas-sync', count: 1 },
    ]);
  });
});
