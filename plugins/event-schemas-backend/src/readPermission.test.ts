import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { eventTypeReadPermission } from '@data-collection/plugin-event-schemas-common';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseEventTypeStore } from './database/DatabaseEventTypeStore';
import { eventTypeConditions, isOwnerRule } from './permissions';
import { eventSchemasPlugin } from './plugin';

jest.setTimeout(180_000);

// An adopter's policy that narrows reading: each user reads what the
// conditions below allow; everything else is allowed.
const isOwner = (...owners: string[]) =>
  eventTypeConditions.isOwner({ owners });
const readConditions: Record<
  string,
  PermissionCriteria<PermissionCondition<'event-type'>>
> = {
  // Members of the playback group read its types only.
  'user:default/alice': isOwner('group:default/playback'),
  // Everything but playback's.
  'user:default/erin': { not: isOwner('group:default/playback') },
  // Both groups' types.
  'user:default/frank': {
    anyOf: [isOwner('group:default/search'), isOwner('group:default/playback')],
  },
  // Nothing.
  'user:default/dave': isOwner(),
};

function narrowingPolicy(knex: Knex) {
  const isConditionMet = createConditionAuthorizer([isOwnerRule]);
  const store = DatabaseEventTypeStore.create({
    database: { getClient: async () => knex, migrations: { skip: true } },
  });
  const userOf = (credentials: BackstageCredentials) =>
    (credentials.principal as { type: string; userEntityRef?: string })
      .userEntityRef;
  const decide = (name: string, user?: string): PolicyDecision =>
    user && name === eventTypeReadPermission.name
      ? {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'event-schemas',
          resourceType: 'event-type',
          conditions: readConditions[user],
        }
      : { result: AuthorizeResult.ALLOW };
  return mockServices.permissions.mock({
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(query =>
        decide(query.permission.name, userOf(credentials)),
      ) as any,
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async query => {
          const decision = decide(query.permission.name, userOf(credentials));
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const resourceRef = (query as { resourceRef?: string }).resourceRef;
          const eventType = await (await store).getEventType(resourceRef!);
          return {
            result: isConditionMet(decision, eventType)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          };
        }),
      ) as any,
  }).factory;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { track_id: { type: 'string' } },
};

describe.each(TestDatabases.create().eachSupportedId())(
  'reading event types under a narrowing policy on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });

    async function startRegistry() {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const { server } = await startTestBackend({
        features: [
          eventSchemasPlugin,
          narrowingPolicy(knex),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { permission: { enabled: true } },
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      const service = mockCredentials.service.header();
      for (const [name, owner] of [
        ['com.example.playback.started', 'group:default/playback'],
        ['com.example.search.performed', 'group:default/search'],
      ]) {
        const res = await request(server)
          .post('/api/event-schemas/event-types')
          .set('Authorization', service)
          .send({ name, owner, format: 'jsonschema', schema });
        expect(res.status).toBe(201);
      }
      const as = (user: string) => ({
        get: (path: string) =>
          request(server)
            .get(`/api/event-schemas${path}`)
            .set('Authorization', mockCredentials.user.header(user)),
        post: (path: string, body: object) =>
          request(server)
            .post(`/api/event-schemas${path}`)
            .set('Authorization', mockCredentials.user.header(user))
            .send(body),
      });
      const create = async (body: object) => {
        const res = await request(server)
          .post('/api/event-schemas/event-types')
          .set('Authorization', service)
          .send({ format: 'jsonschema', ...body });
        expect(res.status).toBe(201);
      };
      return { as, create };
    }

    it('lists only the types the policy lets each user read', async () => {
      const { as } = await startRegistry();
      const names = async (user: string) => {
        const res = await as(user).get('/event-types');
        expect(res.status).toBe(200);
        expect(res.body.totalItems).toBe(res.body.items.length);
        return res.body.items.map((t: { name: string }) => t.name);
      };
      expect(await names('user:default/alice')).toEqual([
        'com.example.playback.started',
      ]);
      expect(await names('user:default/erin')).toEqual([
        'com.example.search.performed',
      ]);
      expect(await names('user:default/frank')).toEqual([
        'com.example.playback.started',
        'com.example.search.performed',
      ]);
      expect(await names('user:default/dave')).toEqual([]);
    });

    it('answers 403 for every read of a type the policy withholds, 404 for an unknown one', async () => {
      const { as } = await startRegistry();
      const alice = as('user:default/alice');
      const reads = (name: string) => [
        alice.get(`/event-types/${name}`),
        alice.get(`/event-types/${name}/versions`),
        alice.get(`/event-types/${name}/versions/1`),
        alice.get(`/event-types/${name}/contract`),
        alice.post(`/event-types/${name}/compatibility`, { schema }),
        alice.post(`/event-types/${name}/impact`, { schema }),
        alice.post('/validate', { type: name, data: { track_id: 'x' } }),
      ];
      for (const res of await Promise.all(
        reads('com.example.search.performed'),
      )) {
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          "The permission policy does not let you read event type 'com.example.search.performed'",
        );
      }
      for (const res of await Promise.all(
        reads('com.example.playback.started'),
      )) {
        expect(res.status).toBe(200);
      }
      const unknown = await alice.get('/event-types/com.example.unknown');
      expect(unknown.status).toBe(404);
    });

    it('names only the referrers of a draft the user may read, and counts the others', async () => {
      const { as, create } = await startRegistry();
      const ref = (name: string) => ({
        $ref: `/api/event-schemas/event-types/${name}/versions/1`,
      });
      const track = (minLength: number) => ({
        type: 'object',
        properties: { track_id: { type: 'string', minLength } },
        required: ['track_id'],
      });
      const playback = 'group:default/playback';
      await create({
        name: 'com.example.playback.track',
        owner: playback,
        compatibility: 'NONE',
        schema: track(3),
      });
      // Depth 1, readable; depth 1, search's; depth 2 through search's.
      await create({
        name: 'com.example.playback.playlist',
        owner: playback,
        schema: ref('com.example.playback.track'),
      });
      await create({
        name: 'com.example.search.index',
        owner: 'group:default/search',
        schema: ref('com.example.playback.track'),
      });
      await create({
        name: 'com.example.playback.queue',
        owner: playback,
        compatibility: 'FORWARD',
        schema: ref('com.example.search.index'),
      });

      const res = await as('user:default/alice').post(
        '/event-types/com.example.playback.track/compatibility',
        { schema: track(4) },
      );
      expect(res.status).toBe(200);
      expect(res.body.compatible).toBe(true);
      expect(res.body.referrers).toEqual({
        items: [
          {
            eventType: 'com.example.playback.playlist',
            version: 1,
            depth: 1,
            path: [
              'com.example.playback.playlist',
              'com.example.playback.track',
            ],
            compatible: false,
            mode: 'BACKWARD',
            problems: [
              expect.objectContaining({ field: 'track_id', rule: 'minLength' }),
            ],
          },
          {
            eventType: 'com.example.playback.queue',
            version: 1,
            depth: 2,
            path: [
              'com.example.playback.queue',
              null,
              'com.example.playback.track',
            ],
            compatible: true,
            mode: 'FORWARD',
            problems: [],
          },
        ],
        unreadable: { count: 1, incompatible: 1 },
        more: 0,
      });
      expect(JSON.stringify(res.body)).not.toContain('search');

      // Frank reads both groups' types: all three, named.
      const frank = await as('user:default/frank').post(
        '/event-types/com.example.playback.track/compatibility',
        { schema: track(4) },
      );
      expect(
        frank.body.referrers.items.map((i: { path: string[] }) => i.path),
      ).toEqual([
        ['com.example.playback.playlist', 'com.example.playback.track'],
        ['com.example.search.index', 'com.example.playback.track'],
        [
          'com.example.playback.queue',
          'com.example.search.index',
          'com.example.playback.track',
        ],
      ]);
      expect(frank.body.referrers.unreadable).toEqual({
        count: 0,
        incompatible: 0,
      });
    });
  },
);
