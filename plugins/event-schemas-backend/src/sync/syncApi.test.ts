import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
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

async function start() {
  const reader = new FakeUrlReader();
  reader.trees.set(DIRECTORY, { 'played.yaml': file(schema) });
  const sent: NotificationSendOptions[] = [];
  const allowAlice = (credentials: any) =>
    credentials.principal.type === 'service' ||
    credentials.principal.userEntityRef === 'user:default/alice'
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
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
      catalogServiceMock.factory({
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
  return { server, reader, sent, post };
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
});
