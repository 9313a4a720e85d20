import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { Knex } from 'knex';
import request from 'supertest';
import { eventSchemasPlugin } from './plugin';
import { DatabaseEventTypeStore } from './database/DatabaseEventTypeStore';
import { EventSchemasPermissionPolicy, isOwnerRule } from './permissions';

// Also the hooks' limit: each test starts a registry on a database of its
// own, and the last hook stops every backend and drops every database, which
// on a loaded 2-core machine took over 60 s (the tests themselves passed).
jest.setTimeout(180_000);

// Who is who: alice is in the owning group, bob is not, carol is an admin.
const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');
const carol = mockCredentials.user('user:default/carol');
const ownership: Record<string, string[]> = {
  'user:default/alice': [
    'user:default/alice',
    'group:default/playback',
    'group:default/audio',
  ],
  'user:default/bob': ['user:default/bob', 'group:default/search'],
  'user:default/carol': ['user:default/carol', 'group:default/data-platform'],
};
const as = (credentials: typeof alice) =>
  mockCredentials.user.header(
    (credentials.principal as { userEntityRef: string }).userEntityRef,
  );

/**
 * The permission framework as the portal runs it: the default policy, with
 * its IS_OWNER condition applied to the stored event type. (A stand-in,
 * because the real permission backend cannot call this plugin back under
 * the test backend's mock auth, whose on-behalf-of tokens carry no actor.)
 */
function permissionStandIn(knex: Knex) {
  const policy = new EventSchemasPermissionPolicy({
    adminGroups: ['group:default/data-platform'],
  });
  const isConditionMet = createConditionAuthorizer([isOwnerRule]);
  const store = DatabaseEventTypeStore.create({
    database: { getClient: async () => knex, migrations: { skip: true } },
  });
  const userOf = (credentials: BackstageCredentials) => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      info: { userEntityRef: ref, ownershipEntityRefs: ownership[ref] },
    } as PolicyQueryUser;
  };
  return mockServices.permissions.mock({
    // As the permission backend answers a plugin: the policy's decision,
    // conditions and all, for the plugin to apply.
    authorizeConditional: async (requests, { credentials }) =>
      Promise.all(
        requests.map(query =>
          (credentials.principal as { type: string }).type === 'service'
            ? { result: AuthorizeResult.ALLOW }
            : policy.handle(
                { permission: query.permission },
                userOf(credentials),
              ),
        ),
      ) as any,
    authorize: async (requests, { credentials }) => {
      // Service principals skip the policy, as in Backstage.
      if ((credentials.principal as { type: string }).type === 'service') {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      }
      const user = userOf(credentials);
      return Promise.all(
        requests.map(async query => {
          const decision: PolicyDecision = await policy.handle(
            { permission: query.permission },
            user,
          );
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const resourceRef = (query as { resourceRef?: string }).resourceRef;
          const eventType = resourceRef
            ? await (await store).getEventType(resourceRef)
            : undefined;
          return {
            result: isConditionMet(decision, eventType)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          };
        }),
      );
    },
  }).factory;
}

// Closed (additionalProperties: false), so that adding an optional field is
// BACKWARD compatible: on an open schema old events may already carry that
// field with any value, as Confluent's rules also say.
const playbackV1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    user_id: { type: 'string' },
    track_id: { type: 'string' },
  },
  required: ['user_id', 'track_id'],
};

// Adds an optional field: old events stay valid (BACKWARD compatible).
const playbackV2 = {
  ...playbackV1,
  properties: { ...playbackV1.properties, position_ms: { type: 'integer' } },
};

// Makes a new field required: old events lack it (not BACKWARD compatible).
const playbackBreaking = {
  ...playbackV2,
  required: [...playbackV1.required, 'country'],
  properties: { ...playbackV2.properties, country: { type: 'string' } },
};

const newType = {
  name: 'com.example.playback.started',
  title: 'Playback started',
  description: 'Sent when a track starts playing',
  owner: 'group:default/playback',
  format: 'jsonschema',
  tags: ['playback'],
  personalDataFields: ['user_id'],
  dataSubject: 'user_id',
  schema: playbackV1,
};

// Personal data of a nested person, in an open schema so that versions
// may drop fields.
const signupV1 = {
  type: 'object',
  properties: {
    user: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        email: { type: 'string' },
        age: { type: 'integer' },
      },
    },
    account_id: { type: ['string', 'null'] },
    invitees: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' } } },
    },
  },
};

const signupType = {
  name: 'com.example.account.signed-up',
  owner: 'group:default/playback',
  format: 'jsonschema',
  compatibility: 'NONE',
  personalDataFields: ['user.email'],
  dataSubject: 'user.id',
  schema: signupV1,
};

describe.each(TestDatabases.create().eachSupportedId())(
  'event-schemas API on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });

    async function startRegistry(limits: object = {}) {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const sent: NotificationSendOptions[] = [];
      const audits: Array<{ eventId: string; outcome: string }> = [];
      const auditor = mockServices.auditor.mock({
        createEvent: async ({ eventId }) => ({
          success: async () => {
            audits.push({ eventId, outcome: 'success' });
          },
          fail: async () => {
            audits.push({ eventId, outcome: 'fail' });
          },
        }),
      });
      const { server } = await startTestBackend({
        features: [
          eventSchemasPlugin,
          permissionStandIn(knex),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              eventSchemas: {
                permissions: { adminGroups: ['group:default/data-platform'] },
                limits: {
                  maxSchemaBytes: 4096,
                  maxEventBytes: 2048,
                  maxEventDepth: 8,
                  ...limits,
                },
              },
            },
          }),
          mockServices.userInfo.mock({
            getUserInfo: async credentials => {
              const ref = (credentials.principal as { userEntityRef: string })
                .userEntityRef;
              return {
                userEntityRef: ref,
                ownershipEntityRefs: ownership[ref],
              };
            },
          }).factory,
          auditor.factory,
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: { name: 'listening-stats', namespace: 'default' },
                spec: {
                  owner: 'insights',
                  consumesApis: ['com.example.playback.started'],
                },
                relations: [
                  {
                    type: 'consumesApi',
                    targetRef: 'api:default/com.example.playback.started',
                  },
                ],
              },
            ],
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
      const api = {
        get: (path: string, user = alice) =>
          request(server)
            .get(`/api/event-schemas${path}`)
            .set('Authorization', as(user)),
        post: (path: string, body: unknown, user = alice) =>
          request(server)
            .post(`/api/event-schemas${path}`)
            .set('Authorization', as(user))
            .send(body as object),
        patch: (path: string, body: unknown, user = alice) =>
          request(server)
            .patch(`/api/event-schemas${path}`)
            .set('Authorization', as(user))
            .send(body as object),
        delete: (path: string, user = alice) =>
          request(server)
            .delete(`/api/event-schemas${path}`)
            .set('Authorization', as(user)),
      };
      return { server, api, sent, audits, knex };
    }

    it('answers the health check without credentials', async () => {
      const { server } = await startRegistry();
      const res = await request(server)
        .get('/api/event-schemas/health')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('refuses callers without credentials', async () => {
      const { server } = await startRegistry();
      const res = await request(server)
        .get('/api/event-schemas/event-types')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });

    it('registers an event type with its first version, once', async () => {
      const { api, audits } = await startRegistry();
      const created = await api.post('/event-types', newType);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'com.example.playback.started',
        version: 1,
        owner: 'group:default/playback',
        format: 'jsonschema',
        compatibility: 'BACKWARD',
        lifecycle: 'experimental',
        retention: { raw: 'P7D', delivered: 'P90D' },
        sla: { maxLateness: 'PT3H' },
        personalDataFields: ['user_id'],
        latestVersion: 1,
        createdBy: 'user:default/alice',
      });
      expect(created.body.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);

      const fetched = await api.get(
        '/event-types/com.example.playback.started',
        bob,
      );
      expect(fetched.status).toBe(200);
      expect(fetched.body.title).toBe('Playback started');

      const again = await api.post('/event-types', newType, carol);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('already exists');
      expect(audits).toContainEqual({
        eventId: 'event-type-create',
        outcome: 'success',
      });
      expect(audits).toContainEqual({
        eventId: 'event-type-create',
        outcome: 'fail',
      });
    });

    it.each([
      [{ ...newType, name: 'has space' }, 'name: must be 1 to 128 letters'],
      [{ ...newType, name: 'x'.repeat(129) }, 'name: must be 1 to 128'],
      // Path segments and hidden files would be folders of their own.
      [{ ...newType, name: '.' }, 'start with a letter or digit'],
      [{ ...newType, name: '..' }, 'start with a letter or digit'],
      [{ ...newType, name: '.hidden' }, 'start with a letter or digit'],
      [{ ...newType, name: '-flag' }, 'start with a letter or digit'],
      [{ ...newType, name: 'trailing.' }, 'not end with a dot'],
      [
        { ...newType, owner: 'user:default/alice' },
        'owner: must be a catalog group',
      ],
      [
        { ...newType, format: 'protobuf' },
        'request/body/format must be equal to one of the allowed values: jsonschema, avro',
      ],
      [
        { ...newType, compatibility: 'SOMETIMES' },
        'request/body/compatibility must be equal to one of the allowed values: NONE',
      ],
      [
        { ...newType, retention: { raw: '7 days' } },
        'retention.raw: must be an ISO 8601 duration',
      ],
      [{ ...newType, compatibilty: 'NONE' }, "unknown field 'compatibilty'"],
      [{ ...newType, schema: '{"type": "object",' }, 'Invalid schema'],
      [{ ...newType, schema: { type: 'objekt' } }, 'Invalid schema'],
      [{ ...newType, personalDataFields: ['email'] }, "'email' is not a field"],
      [
        { ...newType, dataSubject: undefined },
        'dataSubject: required when personalDataFields is set: name the string field that identifies the person an event is about, e.g. user_id',
      ],
      [
        { ...newType, dataSubject: 'listener' },
        "dataSubject: 'listener' is not a field of the schema",
      ],
      [
        { ...newType, dataSubject: '' },
        'dataSubject: must name a string field',
      ],
      [
        { ...newType, dataSubject: 'x'.repeat(1025) },
        'dataSubject: must be at most 1024 characters',
      ],
      [
        { ...newType, schema: { type: 'string', pattern: '(a)\\1$' } },
        'cannot run in linear time',
      ],
      [
        {
          ...newType,
          schema: { type: 'object', description: 'x'.repeat(5000) },
        },
        'Invalid schema',
      ],
      [
        { ...newType, schema: undefined },
        "request/body must have required property 'schema'",
      ],
    ])(
      'answers bad input with 400 and stores nothing (%#)',
      async (body, message) => {
        const { api } = await startRegistry();
        const res = await api.post('/event-types', body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
        const list = await api.get('/event-types');
        expect(list.body.totalItems).toBe(0);
      },
    );

    it('answers bodies that are not JSON, or too large, with a clear error', async () => {
      const { server } = await startRegistry();
      const notJson = await request(server)
        .post('/api/event-schemas/event-types')
        .set('Authorization', as(alice))
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toContain('not valid JSON');

      const text = await request(server)
        .post('/api/event-schemas/event-types')
        .set('Authorization', as(alice))
        .set('Content-Type', 'text/plain')
        .send('hello');
      expect(text.status).toBe(415);
      expect(text.body.error.message).toContain('application/json');

      const huge = await request(server)
        .post('/api/event-schemas/event-types')
        .set('Authorization', as(alice))
        .send({ ...newType, description: 'x'.repeat(200_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.error.message).toContain('maxSchemaBytes');
    });

    it('registers compatible versions, returns identical ones and refuses breaking ones', async () => {
      const { api, sent } = await startRegistry();
      await api.post('/event-types', newType);
      const base = '/event-types/com.example.playback.started';

      // Same schema, other whitespace and key order: the existing version.
      const same = await api.post(`${base}/versions`, {
        schema: JSON.stringify(
          Object.fromEntries(Object.entries(playbackV1).reverse()),
          null,
          4,
        ),
      });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(1);

      const dryRun = await api.post(`${base}/compatibility`, {
        schema: playbackBreaking,
      });
      expect(dryRun.status).toBe(200);
      expect(dryRun.body.compatible).toBe(false);
      expect(dryRun.body.messages.join('\n')).toContain('country');

      const breaking = await api.post(`${base}/versions`, {
        schema: playbackBreaking,
      });
      expect(breaking.status).toBe(409);
      expect(breaking.body.compatible).toBe(false);
      expect(breaking.body.messages.length).toBeGreaterThan(0);

      const v2 = await api.post(`${base}/versions`, { schema: playbackV2 });
      expect(v2.status).toBe(201);
      expect(v2.body).toMatchObject({ eventType: newType.name, version: 2 });

      const versions = await api.get(`${base}/versions`);
      expect(
        versions.body.items.map((v: { version: number }) => v.version),
      ).toEqual([1, 2]);
      const latest = await api.get(`${base}/versions/latest`);
      expect(latest.body.version).toBe(2);
      expect(JSON.parse(latest.body.schema)).toEqual(playbackV2);
      expect((await api.get(`${base}/versions/3`)).status).toBe(404);
      expect((await api.get(`${base}/versions/zero`)).status).toBe(400);

      // The owners of the consuming component hear about version 2.
      expect(sent).toHaveLength(1);
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: ['group:default/insights'],
      });
      expect(sent[0].payload.title).toContain('schema version 2');
    });

    it('lets owners and admins change a type, others not, and only admins delete', async () => {
      const { api, audits } = await startRegistry();
      await api.post('/event-types', newType);
      const base = '/event-types/com.example.playback.started';

      const denied = await api.patch(base, { lifecycle: 'production' }, bob);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('group:default/playback');
      expect((await api.get(base)).body.lifecycle).toBe('experimental');
      expect(audits).toContainEqual({
        eventId: 'event-type-update',
        outcome: 'fail',
      });

      const deniedVersion = await api.post(
        `${base}/versions`,
        { schema: playbackV2 },
        bob,
      );
      expect(deniedVersion.status).toBe(403);
      expect((await api.get(`${base}/versions`)).body.items).toHaveLength(1);

      const owner = await api.patch(base, {
        lifecycle: 'production',
        compatibility: 'FULL',
      });
      expect(owner.status).toBe(200);
      expect(owner.body).toMatchObject({
        lifecycle: 'production',
        compatibility: 'FULL',
      });

      const admin = await api.patch(base, { title: 'Playback began' }, carol);
      expect(admin.status).toBe(200);

      expect((await api.delete(base)).status).toBe(403);
      expect((await api.delete(base, carol)).status).toBe(204);
      expect((await api.get(base)).status).toBe(404);
      expect(audits).toContainEqual({
        eventId: 'event-type-delete',
        outcome: 'success',
      });

      const reused = await api.post('/event-types', newType);
      expect(reused.status).toBe(409);
      expect(reused.body.error.message).toContain('was deleted');
    });

    it('lets users register event types only for groups they belong to; admins and services for any', async () => {
      const { api, server, audits } = await startRegistry();
      const forSearch = { ...newType, owner: 'group:default/search' };

      const refused = await api.post('/event-types', forSearch);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        "You may register event types only for groups you belong to (group:default/playback, group:default/audio); 'group:default/search' is not one of them",
      );
      expect((await api.get(`/event-types/${newType.name}`)).status).toBe(404);
      expect(audits).toContainEqual({
        eventId: 'event-type-create',
        outcome: 'fail',
      });

      expect((await api.post('/event-types', newType)).status).toBe(201);
      expect(
        (
          await api.post(
            '/event-types',
            { ...signupType, owner: 'search' },
            carol,
          )
        ).status,
      ).toBe(201);
      const byService = await request(server)
        .post('/api/event-schemas/event-types')
        .set('Authorization', mockCredentials.service.header())
        .send({ ...forSearch, name: 'com.example.search.performed' });
      expect(byService.status).toBe(201);
    });

    it("changes a type's owner only from and to the user's own groups, unless admin", async () => {
      const { api } = await startRegistry();
      await api.post('/event-types', newType);
      const base = `/event-types/${newType.name}`;

      const handedAway = await api.patch(base, { owner: 'search' });
      expect(handedAway.status).toBe(403);
      expect(handedAway.body.error.message).toBe(
        `You may hand event type '${newType.name}' only to groups you belong to (group:default/playback, group:default/audio); 'group:default/search' is not one of them`,
      );
      expect((await api.get(base)).body.owner).toBe('group:default/playback');

      const toOwnGroup = await api.patch(base, {
        owner: 'group:default/audio',
      });
      expect(toOwnGroup.status).toBe(200);
      expect(toOwnGroup.body.owner).toBe('group:default/audio');

      // bob may not take it for his group.
      const taken = await api.patch(base, { owner: 'search' }, bob);
      expect(taken.status).toBe(403);
      expect((await api.get(base)).body.owner).toBe('group:default/audio');

      const byAdmin = await api.patch(base, { owner: 'search' }, carol);
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.owner).toBe('group:default/search');
    });

    it('limits registrations per user and service: 429 with Retry-After', async () => {
      const { api } = await startRegistry({ registrationsPerMinute: 2 });
      const base = `/event-types/${newType.name}`;
      expect((await api.post('/event-types', newType)).status).toBe(201);
      expect(
        (await api.post(`${base}/versions`, { schema: playbackV2 })).status,
      ).toBe(201);

      const limited = await api.post('/event-types', signupType);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(limited.body.error.message).toMatch(
        /^Too many registrations: at most 2 event types and versions a minute per user or service \(eventSchemas.limits.registrationsPerMinute\); retry in \d+ s$/,
      );
      expect((await api.get(`/event-types/${signupType.name}`)).status).toBe(
        404,
      );
      // Per principal: carol is not held up by alice.
      expect((await api.post('/event-types', signupType, carol)).status).toBe(
        201,
      );
    });

    it('deprecates a type and a version, with a reason', async () => {
      const { api, sent } = await startRegistry();
      await api.post('/event-types', newType);
      const base = '/event-types/com.example.playback.started';

      const type = await api.patch(base, {
        deprecation: {
          reason: 'Replaced by playback.v2',
          successor: 'com.example.playback.v2',
        },
      });
      expect(type.status).toBe(200);
      expect(type.body.deprecation).toMatchObject({
        reason: 'Replaced by playback.v2',
        successor: 'com.example.playback.v2',
        deprecatedBy: 'user:default/alice',
      });
      expect(sent.map(s => s.payload.title)).toContain(
        'com.example.playback.started is deprecated',
      );

      const version = await api.patch(`${base}/versions/1`, {
        deprecation: { reason: 'Use version 2' },
      });
      expect(version.status).toBe(200);
      expect(version.body.deprecation.reason).toBe('Use version 2');
      expect(
        (await api.patch(`${base}/versions/latest`, { deprecation: null }))
          .status,
      ).toBe(400);
    });

    it('filters and pages the list', async () => {
      const { api } = await startRegistry();
      await api.post('/event-types', newType);
      // Other groups' types: registered by an admin.
      await api.post(
        '/event-types',
        {
          name: 'com.example.search.performed',
          owner: 'search',
          format: 'avro',
          description: 'A user searched the catalog',
          schema: {
            type: 'record',
            name: 'SearchPerformed',
            fields: [{ name: 'query', type: 'string' }],
          },
        },
        carol,
      );
      await api.post(
        '/event-types',
        {
          name: 'com.example.checkout.completed',
          owner: 'group:default/payments',
          format: 'jsonschema',
          schema: {
            type: 'object',
            properties: {
              buyer: {
                type: 'object',
                properties: { user_id: { type: 'string' } },
              },
            },
          },
        },
        carol,
      );

      const names = async (query: string) =>
        (await api.get(`/event-types${query}`)).body.items.map(
          (t: { name: string }) => t.name,
        );
      expect(await names('?owner=group:default/search')).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names('?format=avro')).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names('?text=SEARCHED')).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names('?field=user_id')).toEqual([
        'com.example.checkout.completed',
        'com.example.playback.started',
      ]);

      const page1 = await api.get('/event-types?limit=2');
      expect(page1.body.totalItems).toBe(3);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await api.get(
        `/event-types?limit=2&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.items.map((t: { name: string }) => t.name)).toEqual([
        'com.example.search.performed',
      ]);
      expect(page2.body.nextCursor).toBeUndefined();

      const unknown = await api.get('/event-types?color=red');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(
        "Unknown query parameter 'color'",
      );
      const tooMany = await api.get('/event-types?limit=9999');
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toBe(
        'request/query/limit must be <= 500',
      );
    });

    it('keeps the data subject a string field that names one person, personal itself, in every version', async () => {
      const { api } = await startRegistry();
      const created = await api.post('/event-types', signupType);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        personalDataFields: ['user.email', 'user.id'],
        dataSubject: 'user.id',
      });
      const base = `/event-types/${signupType.name}`;
      expect((await api.get(base)).body).toMatchObject({
        personalDataFields: ['user.email', 'user.id'],
        dataSubject: 'user.id',
      });

      const refusals: Array<[object, string]> = [
        [
          { personalDataFields: ['user'] },
          "personalDataFields: 'user' contains the data subject 'user.id', which is stored as a pseudonym and must stay readable: mark the other fields of 'user' as personal instead",
        ],
        [
          { dataSubject: 'user.age' },
          "dataSubject: 'user.age' is of type integer, not a string",
        ],
        [
          { dataSubject: 'invitees[].id' },
          "dataSubject: 'invitees[].id' is inside an array or a map, but an event is about one person",
        ],
        [
          { dataSubject: null },
          'dataSubject: cannot be unset while personalDataFields is set: set personalDataFields to [] in the same change',
        ],
        [{ dataSubject: 7 }, 'request/body/dataSubject must be string'],
      ];
      for (const [change, message] of refusals) {
        const refused = await api.patch(base, change);
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain(message);
      }

      // Another subject: it becomes personal too; the old one stays so.
      const moved = await api.patch(base, { dataSubject: 'account_id' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        personalDataFields: ['user.email', 'user.id', 'account_id'],
        dataSubject: 'account_id',
      });
      const untouched = await api.patch(base, { title: 'Signed up' });
      expect(untouched.body.dataSubject).toBe('account_id');

      const cleared = await api.patch(base, {
        personalDataFields: [],
        dataSubject: null,
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.personalDataFields).toEqual([]);
      expect(cleared.body.dataSubject).toBeUndefined();
      const unnamed = await api.patch(base, {
        personalDataFields: ['user.email'],
      });
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.error.message).toMatch(
        /^dataSubject: required when personalDataFields is set/,
      );
      expect(
        (await api.patch(base, { dataSubject: 'user.id' })).body
          .personalDataFields,
      ).toEqual(['user.id']);

      // A version without the subject (even under NONE) is refused, and
      // the dry run says why.
      const { id: _id, ...userWithoutId } = signupV1.properties.user.properties;
      const withoutSubject = {
        ...signupV1,
        properties: {
          ...signupV1.properties,
          user: { type: 'object', properties: userWithoutId },
        },
      };
      const dryRun = await api.post(`${base}/compatibility`, {
        schema: withoutSubject,
      });
      expect(dryRun.status).toBe(200);
      expect(dryRun.body).toMatchObject({
        compatible: false,
        messages: [
          expect.stringMatching(
            /^dataSubject: 'user\.id', the type's data subject, is missing in this schema: every version must keep it as a string field/,
          ),
        ],
        problems: [
          {
            field: 'user.id',
            rule: 'dataSubject',
            message: expect.stringMatching(/^dataSubject: 'user\.id'/),
          },
        ],
      });
      const refused = await api.post(`${base}/versions`, {
        schema: withoutSubject,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/^dataSubject: 'user\.id'/);
      const retyped = await api.post(`${base}/versions`, {
        schema: {
          ...withoutSubject,
          properties: {
            ...withoutSubject.properties,
            user: {
              type: 'object',
              properties: { ...userWithoutId, id: { type: 'integer' } },
            },
          },
        },
      });
      expect(retyped.status).toBe(400);
      expect(retyped.body.error.message).toContain('is of type integer');
      expect((await api.get(`${base}/versions`)).body.items).toHaveLength(1);

      const kept = await api.post(`${base}/versions`, {
        schema: {
          ...signupV1,
          properties: { ...signupV1.properties, country: { type: 'string' } },
        },
      });
      expect(kept.status).toBe(201);
      expect(
        (await api.post(`${base}/compatibility`, { schema: signupV1 })).body,
      ).toMatchObject({ compatible: true, messages: [], problems: [] });
    });

    it('validates an event against the latest or a named version', async () => {
      const { api } = await startRegistry();
      await api.post('/event-types', newType);
      const valid = await api.post('/validate', {
        type: newType.name,
        data: { user_id: 'u1', track_id: 't1' },
      });
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({ valid: true, errors: [], version: 1 });

      const invalid = await api.post('/validate', {
        type: newType.name,
        version: 1,
        data: { user_id: 42 },
      });
      expect(invalid.body.valid).toBe(false);
      expect(invalid.body.errors.join('\n')).toContain('track_id');

      const unknown = await api.post('/validate', {
        type: 'com.example.nope',
        data: {},
      });
      expect(unknown.status).toBe(404);
    });

    it('holds /validate to the depth and size limits of ingest', async () => {
      const { api, server } = await startRegistry();
      await api.post('/event-types', newType);
      const nested = (depth: number) => {
        let value: unknown = {};
        for (let i = 1; i < depth; i++) value = { a: value };
        return value;
      };
      // The event is level 1, so its data may nest 7 levels of 8.
      const deepest = await api.post('/validate', {
        type: newType.name,
        data: nested(7),
      });
      expect(deepest.status).toBe(200);
      for (const depth of [8, 10_000]) {
        // As text: supertest would serialize 10,000 levels recursively.
        const tooDeep = await request(server)
          .post('/api/event-schemas/validate')
          .set('Authorization', as(alice))
          .set('Content-Type', 'application/json')
          .send(
            `{"type":"${newType.name}","data":${'{"a":'.repeat(
              depth - 1,
            )}{}${'}'.repeat(depth - 1)}}`,
          );
        expect(tooDeep.status).toBe(400);
        expect(tooDeep.body.error.message).toBe(
          'The data nests objects and arrays more than 7 levels deep; events may nest at most 8 levels, the event itself included (eventSchemas.limits.maxEventDepth)',
        );
      }
      const tooLarge = await api.post('/validate', {
        type: newType.name,
        data: { user_id: 'x'.repeat(2048) },
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.message).toMatch(
        /^The data is 2062 bytes of JSON, more than events may be \(2048 bytes, eventSchemas.limits.maxEventBytes\)$/,
      );
    });

    it('answers /validate for a version that no longer compiles with the reason, not a 5xx', async () => {
      const { api, knex } = await startRegistry();
      await api.post('/event-types', newType);
      // As a version registered before patterns ran on RE2 could be stored.
      await knex('event_type_versions')
        .where({ event_type: newType.name, version: 1 })
        .update({
          schema: JSON.stringify({ type: 'object', pattern: '^(?=a)' }),
        });
      const res = await api.post('/validate', {
        type: newType.name,
        data: { user_id: 'u1', track_id: 't1' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        valid: false,
        errors: [
          expect.stringMatching(
            /^Version 1 of event type 'com.example.playback.started' cannot validate events: .*; register a new version$/,
          ),
        ],
        version: 1,
      });
    });

    it('refuses schemas that reference, or name a meta-schema, outside themselves', async () => {
      const { api } = await startRegistry();
      for (const schema of [
        { type: 'object', examples: [{ $ref: 'https://evil.test/x' }] },
        { $schema: 'https://evil.test/meta', type: 'object' },
        { type: 'object', properties: { a: { $ref: 'other.json' } } },
      ]) {
        const res = await api.post('/event-types', {
          name: 'com.example.hostile',
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /points outside this schema|is not a meta-schema the registry knows/,
        );
      }
    });
  },
);
