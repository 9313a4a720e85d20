import {
  BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { EventSchemasPermissionPolicy, isOwnerRule } from '../permissions';
import { eventSchemasPlugin } from '../plugin';

jest.setTimeout(60_000);

// alice is in the owning group (playback), bob is not (search).
const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');
const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/playback'],
  'user:default/bob': ['user:default/bob', 'group:default/search'],
};
const PLAYBACK = 'com.example.playback.started';
const SEARCH = 'com.example.search.performed';

const playbackV1 = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user_id: { type: 'string' },
    track: {
      type: 'object',
      properties: { track_id: { type: 'string' } },
    },
  },
  required: ['user_id'],
};
// An optional field more: BACKWARD compatible.
const playbackV2 = {
  ...playbackV1,
  properties: { ...playbackV1.properties, position_ms: { type: 'integer' } },
};
// A new required field: old events lack it, not BACKWARD compatible.
const playbackBreaking = {
  ...playbackV2,
  properties: { ...playbackV2.properties, country: { type: 'string' } },
  required: ['user_id', 'country'],
};

/**
 * The suite's policy with its IS_OWNER condition applied to the stored type,
 * as the permission backend would (which cannot call the plugin back under
 * the test backend's mock auth); as in plugin.test.ts.
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
    authorizeConditional: async (requests, { credentials }) =>
      Promise.all(
        requests.map(query =>
          policy.handle({ permission: query.permission }, userOf(credentials)),
        ),
      ) as any,
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async query => {
          const decision = await policy.handle(
            { permission: query.permission },
            userOf(credentials),
          );
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const ref = (query as { resourceRef?: string }).resourceRef;
          const eventType = ref
            ? await (await store).getEventType(ref)
            : undefined;
          return {
            result: isConditionMet(decision, eventType)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          };
        }),
      ),
  }).factory;
}

describe.each(TestDatabases.create().eachSupportedId())(
  'event-schemas actions on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    let stop: () => Promise<void>;
    const actions = actionsRegistryServiceMock();
    const audits: Array<{ eventId: string; outcome: string; meta: unknown }> =
      [];

    const invoke = (
      name: string,
      input: JsonObject,
      credentials: BackstageCredentials = alice,
    ) => actions.invoke({ id: `test:${name}`, input, credentials });
    const post = (path: string, body: object, user = alice) =>
      request(server)
        .post(`/api/event-schemas${path}`)
        .set(
          'Authorization',
          mockCredentials.user.header(
            (user.principal as { userEntityRef: string }).userEntityRef,
          ),
        )
        .send(body);

    beforeAll(async () => {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const backend = await startTestBackend({
        features: [
          eventSchemasPlugin,
          permissionStandIn(knex),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              eventSchemas: {
                permissions: { adminGroups: ['group:default/data-platform'] },
              },
            },
          }),
          createServiceFactory({
            service: actionsRegistryServiceRef,
            deps: {},
            factory: () => actions,
          }),
          mockServices.auditor.mock({
            createEvent: async ({ eventId, meta }) => ({
              success: async () => {
                audits.push({ eventId, outcome: 'success', meta });
              },
              fail: async () => {
                audits.push({ eventId, outcome: 'fail', meta });
              },
            }),
          }).factory,
          catalogServiceMock.factory({ entities: [] }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      // Two real types, registered through the API.
      const created = [
        await post('/event-types', {
          name: PLAYBACK,
          title: 'Playback started',
          owner: 'group:default/playback',
          format: 'jsonschema',
          personalDataFields: ['user_id'],
          dataSubject: 'user_id',
          schema: playbackV1,
        }),
        await post(
          '/event-types',
          {
            name: SEARCH,
            owner: 'group:default/search',
            format: 'jsonschema',
            schema: {
              type: 'object',
              properties: { query: { type: 'string' } },
            },
          },
          bob,
        ),
      ];
      for (const res of created) {
        if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      }
    });
    afterAll(() => stop());

    it('registers its four actions with their attributes', async () => {
      const { actions: listed } = await actions.list();
      const byName = Object.fromEntries(listed.map(a => [a.name, a]));
      expect(byName['find-event-types'].attributes).toEqual({
        readOnly: true,
        idempotent: true,
        destructive: false,
      });
      expect(byName['get-event-type'].attributes.readOnly).toBe(true);
      expect(byName['check-event-type-compatibility'].attributes.readOnly).toBe(
        true,
      );
      expect(byName['register-event-type-version'].attributes).toMatchObject({
        readOnly: false,
        destructive: false,
      });
      expect(byName['find-event-types'].schema.input).toMatchObject({
        properties: { field: { type: 'string' } },
      });
    });

    it('finds event types by field, owner and name', async () => {
      // A nested field, by its name.
      const byField = await invoke('find-event-types', { field: 'track_id' });
      expect(byField.output).toEqual({
        items: [
          {
            name: PLAYBACK,
            title: 'Playback started',
            owner: 'group:default/playback',
            format: 'jsonschema',
            lifecycle: 'experimental',
            latestVersion: 1,
            deprecated: false,
          },
        ],
        totalItems: 1,
      });
      // The owner as the route takes it: a group's short ref too.
      const byOwner = await invoke(
        'find-event-types',
        { owner: 'search' },
        bob,
      );
      expect(byOwner.output).toMatchObject({
        items: [{ name: SEARCH, owner: 'group:default/search' }],
      });
      const byText = await invoke('find-event-types', { text: 'EXAMPLE' });
      expect((byText.output as any).items.map((i: any) => i.name)).toEqual([
        PLAYBACK,
        SEARCH,
      ]);
      const paged = await invoke('find-event-types', { limit: 1 });
      expect(paged.output).toMatchObject({
        items: [{ name: PLAYBACK }],
        totalItems: 2,
        nextCursor: expect.any(String),
      });
      const next = await invoke('find-event-types', {
        limit: 1,
        cursor: (paged.output as any).nextCursor,
      });
      expect(next.output).toMatchObject({ items: [{ name: SEARCH }] });
      const none = await invoke('find-event-types', { field: 'nothing' });
      expect(none.output).toEqual({ items: [], totalItems: 0 });
    });

    it('refuses bad search input and anonymous callers', async () => {
      await expect(
        invoke('find-event-types', { owner: 'user:default/alice' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('owner: must be a catalog group'),
      });
      await expect(
        invoke('find-event-types', { limit: 501 }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('limit: must be at most 500'),
      });
      await expect(
        invoke('find-event-types', {}, mockCredentials.none()),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });
    });

    it('gets an event type with its latest or a given version', async () => {
      const { output } = await invoke('get-event-type', { name: PLAYBACK });
      expect(output).toMatchObject({
        eventType: {
          name: PLAYBACK,
          owner: 'group:default/playback',
          compatibility: 'BACKWARD',
          latestVersion: 1,
          personalDataFields: ['user_id'],
        },
        version: { eventType: PLAYBACK, version: 1 },
      });
      expect(JSON.parse((output as any).version.schema)).toEqual(playbackV1);
      // Reading needs no permission: bob, not an owner, reads it too.
      const asBob = await invoke('get-event-type', { name: PLAYBACK }, bob);
      expect(asBob.output).toEqual(output);

      await expect(
        invoke('get-event-type', { name: 'com.example.nope' }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: "No event type named 'com.example.nope'",
      });
      await expect(
        invoke('get-event-type', { name: PLAYBACK, version: 7 }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `Event type '${PLAYBACK}' has no version 7`,
      });
      await expect(
        invoke('get-event-type', { name: 'has space' }),
      ).rejects.toMatchObject({ name: 'InputError' });
      await expect(
        invoke('get-event-type', { name: PLAYBACK }, mockCredentials.none()),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });
    });

    it('checks compatibility with the answer of the route', async () => {
      for (const schema of [playbackV2, playbackBreaking]) {
        const { output } = await invoke('check-event-type-compatibility', {
          name: PLAYBACK,
          schema,
        });
        const route = await post(`/event-types/${PLAYBACK}/compatibility`, {
          schema,
        });
        expect(route.status).toBe(200);
        // The route adds who each problem breaks (see impactRoutes.test.ts)
        // and the referrers' verdicts (see SchemaReferences.test.ts).
        const {
          impact: _impact,
          referrers: _referrers,
          ...result
        } = route.body;
        expect(output).toEqual(result);
      }
      const breaking = await invoke('check-event-type-compatibility', {
        name: PLAYBACK,
        schema: JSON.stringify(playbackBreaking),
      });
      expect(breaking.output).toMatchObject({
        compatible: false,
        messages: [expect.stringContaining('country')],
      });
      // Dropping the data subject is refused, as at registration.
      const noSubject = await invoke('check-event-type-compatibility', {
        name: PLAYBACK,
        schema: { type: 'object', properties: {} },
      });
      expect(noSubject.output).toMatchObject({ compatible: false });
      expect(
        (await invoke('check-event-type-compatibility', {
          name: PLAYBACK,
          schema: playbackV2,
        }))!.output,
      ).toEqual({ compatible: true, messages: [], problems: [] });

      await expect(
        invoke('check-event-type-compatibility', {
          name: PLAYBACK,
          schema: '{"type": "object",',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('Invalid schema'),
      });
      await expect(
        invoke('check-event-type-compatibility', {
          name: PLAYBACK,
          schema: { type: 'objekt' },
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
      await expect(
        invoke('check-event-type-compatibility', {
          name: 'com.example.nope',
          schema: playbackV2,
        }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('registers a version for an owner, refuses others, and audits both', async () => {
      audits.length = 0;
      await expect(
        invoke(
          'register-event-type-version',
          { name: PLAYBACK, schema: playbackV2 },
          bob,
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: `Only its owners (group:default/playback) and the registry admins may update event type '${PLAYBACK}'`,
      });
      expect(audits).toEqual([
        {
          eventId: 'event-type-version-register',
          outcome: 'fail',
          meta: {
            eventType: PLAYBACK,
            actor: 'user:default/bob',
            via: 'action',
          },
        },
      ]);
      // Nothing registered for bob.
      expect(
        (await invoke('get-event-type', { name: PLAYBACK })).output,
      ).toMatchObject({ eventType: { latestVersion: 1 } });

      const registered = await invoke('register-event-type-version', {
        name: PLAYBACK,
        schema: playbackV2,
      });
      expect(registered.output).toMatchObject({
        created: true,
        version: {
          eventType: PLAYBACK,
          version: 2,
          createdBy: 'user:default/alice',
          fingerprint: expect.stringMatching(/^sha256:/),
        },
      });
      expect(audits[1]).toMatchObject({ outcome: 'success' });
      // The same schema again: its version, nothing new.
      const again = await invoke('register-event-type-version', {
        name: PLAYBACK,
        schema: JSON.stringify(playbackV2),
      });
      expect(again.output).toMatchObject({
        created: false,
        version: { version: 2 },
      });
      // The route sees it.
      const latest = await request(server)
        .get(`/api/event-schemas/event-types/${PLAYBACK}/versions/latest`)
        .set('Authorization', mockCredentials.user.header());
      expect(latest.body.version).toBe(2);
    });

    it('refuses incompatible, invalid and unknown registrations', async () => {
      await expect(
        invoke('register-event-type-version', {
          name: PLAYBACK,
          schema: playbackBreaking,
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('not BACKWARD compatible'),
      });
      await expect(
        invoke('register-event-type-version', {
          name: PLAYBACK,
          schema: { type: 'objekt' },
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('Invalid schema'),
      });
      await expect(
        invoke('register-event-type-version', {
          name: 'com.example.nope',
          schema: playbackV2,
        }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      await expect(
        invoke(
          'register-event-type-version',
          { name: PLAYBACK, schema: playbackV2 },
          mockCredentials.none(),
        ),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });
      expect(
        (await invoke('get-event-type', { name: PLAYBACK })).output,
      ).toMatchObject({ eventType: { latestVersion: 2 } });
    });
  },
);
