import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { eventSchemasPlugin } from '../plugin';

jest.setTimeout(60_000);

const NAME = 'com.example.playback.started';
const API_REF = `api:default/${NAME}`;
const alice = mockCredentials.user.header('user:default/alice');

/** Reads track_id only. */
const stats = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'listening-stats',
    namespace: 'default',
    title: 'Listening stats',
    annotations: { 'event-schemas/fields-read': 'track_id, ms_played' },
  },
  spec: { owner: 'insights', consumesApis: [NAME] },
  relations: [{ type: 'consumesApi', targetRef: API_REF }],
};

/** Reads everything (no annotation). */
const archive = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'archive-sink', namespace: 'default' },
  spec: { owner: 'group:default/data-platform', consumesApis: [NAME] },
  relations: [{ type: 'consumesApi', targetRef: API_REF }],
};

// Open, so that fields may be dropped without breaking BACKWARD.
const v1 = {
  type: 'object',
  properties: {
    user_id: { type: 'string' },
    track_id: { type: 'string' },
    ms_played: { type: 'integer' },
    country: { type: 'string' },
  },
};
// country narrowed: breaks whoever reads country.
const countryNarrowed = {
  ...v1,
  properties: { ...v1.properties, country: { type: 'string', maxLength: 2 } },
};
// track_id narrowed: breaks listening-stats.
const trackNarrowed = {
  ...v1,
  properties: { ...v1.properties, track_id: { type: 'string', maxLength: 8 } },
};

async function startRegistry(options: {
  entities: object[];
  deny?: boolean;
  catalogDown?: boolean;
  compatibilityScope?: string;
}) {
  const audits: string[] = [];
  const { server } = await startTestBackend({
    features: [
      eventSchemasPlugin,
      mockServices.rootConfig.factory({ data: {} }),
      options.catalogDown
        ? catalogServiceMock.mock({
            getEntities: async () => {
              throw new Error('connection refused');
            },
          }).factory
        : catalogServiceMock.factory({ entities: options.entities as any }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      mockServices.auditor.mock({
        createEvent: async ({ eventId }) => ({
          success: async () => {
            audits.push(`${eventId} success`);
          },
          fail: async () => {
            audits.push(`${eventId} fail`);
          },
        }),
      }).factory,
      mockServices.permissions.mock({
        // Registering for a group: allowed, not what these tests are about.
        authorizeConditional: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
        authorize: async requests =>
          requests.map(query => ({
            result:
              options.deny &&
              query.permission.name === 'event-schemas.event-type.read'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
    ],
  });
  const api = {
    get: (path: string) =>
      request(server)
        .get(`/api/event-schemas${path}`)
        .set('Authorization', alice),
    post: (path: string, body: unknown) =>
      request(server)
        .post(`/api/event-schemas${path}`)
        .set('Authorization', alice)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(server)
        .patch(`/api/event-schemas${path}`)
        .set('Authorization', alice)
        .send(body as object),
  };
  const created = await api.post('/event-types', {
    name: NAME,
    owner: 'group:default/playback',
    format: 'jsonschema',
    schema: v1,
    ...(options.compatibilityScope
      ? { compatibilityScope: options.compatibilityScope }
      : {}),
  });
  expect(created.status).toBe(201);
  return { api, audits };
}

const statsConsumer = {
  entityRef: 'component:default/listening-stats',
  title: 'Listening stats',
  owner: 'group:default/insights',
  fieldsRead: ['track_id', 'ms_played'],
};
const archiveConsumer = {
  entityRef: 'component:default/archive-sink',
  owner: 'group:default/data-platform',
};

describe('consumer impact', () => {
  it('adds to the compatibility check who each problem breaks', async () => {
    const { api } = await startRegistry({ entities: [stats] });
    const res = await api.post(`/event-types/${NAME}/compatibility`, {
      schema: countryNarrowed,
    });
    expect(res.status).toBe(200);
    expect(res.body.compatible).toBe(false);
    expect(res.body.messages).toEqual([
      '/properties/country/maxLength: added (2)',
    ]);
    expect(res.body.problems).toEqual([
      {
        field: 'country',
        rule: 'maxLength',
        message: '/properties/country/maxLength: added (2)',
      },
    ]);
    expect(res.body.impact).toEqual({
      consumers: [statsConsumer],
      problems: [{ ...res.body.problems[0], consumers: [] }],
      affectingNobody: res.body.problems,
    });
    // Nothing references the type: an empty section, not an absent one.
    expect(res.body.referrers).toEqual({
      items: [],
      unreadable: { count: 0, incompatible: 0 },
      more: 0,
    });

    const breaking = await api.post(`/event-types/${NAME}/compatibility`, {
      schema: trackNarrowed,
    });
    expect(breaking.body.impact.problems).toEqual([
      {
        field: 'track_id',
        rule: 'maxLength',
        message: '/properties/track_id/maxLength: added (8)',
        consumers: [statsConsumer],
      },
    ]);
    expect(breaking.body.impact.affectingNobody).toEqual([]);
  });

  it('answers POST /impact for a draft, read permission and audit included', async () => {
    const { api, audits } = await startRegistry({
      entities: [stats, archive],
    });
    const res = await api.post(`/event-types/${NAME}/impact`, {
      schema: countryNarrowed,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      consumers: [archiveConsumer, statsConsumer],
      problems: [
        {
          field: 'country',
          rule: 'maxLength',
          message: '/properties/country/maxLength: added (2)',
          consumers: [archiveConsumer],
        },
      ],
      affectingNobody: [],
    });
    expect(audits).toContain('event-type-impact success');

    expect(
      (await api.post(`/event-types/${NAME}/impact`, { schema: '{' })).status,
    ).toBe(400);
    expect(
      (await api.post('/event-types/com.example.nope/impact', { schema: v1 }))
        .status,
    ).toBe(404);
  });

  it('answers GET /impact?version=N: who breaks if the type rolls back', async () => {
    const { api } = await startRegistry({
      entities: [stats],
      compatibilityScope: 'CONSUMERS',
    });
    // v2 widens track_id (compatible); rolling back to v1 narrows it again,
    // which breaks listening-stats, the reader of track_id.
    const v2 = {
      ...v1,
      properties: { ...v1.properties, track_id: { type: ['string', 'null'] } },
    };
    expect(
      (await api.post(`/event-types/${NAME}/versions`, { schema: v2 })).status,
    ).toBe(201);

    const res = await api.get(`/event-types/${NAME}/impact?version=2`);
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([
      {
        field: 'track_id',
        rule: 'type',
        message:
          '/properties/track_id: type narrowed from string|null to string',
        consumers: [statsConsumer],
      },
    ]);

    expect(
      (await api.get(`/event-types/${NAME}/impact?version=3`)).status,
    ).toBe(404);
    const first = await api.get(`/event-types/${NAME}/impact?version=1`);
    expect(first.status).toBe(400);
    expect(first.body.error.message).toMatch(/no earlier version/);
    expect(
      (await api.get(`/event-types/${NAME}/impact?version=x`)).status,
    ).toBe(400);
    expect((await api.get(`/event-types/${NAME}/impact`)).status).toBe(400);
    expect(
      (await api.get('/event-types/com.example.nope/impact?version=2')).status,
    ).toBe(404);
  });

  it('checks drafts without the catalog, and says the impact needs it', async () => {
    const { api } = await startRegistry({ entities: [], catalogDown: true });
    const check = await api.post(`/event-types/${NAME}/compatibility`, {
      schema: countryNarrowed,
    });
    expect(check.status).toBe(200);
    expect(check.body.compatible).toBe(false);
    expect(check.body).not.toHaveProperty('impact');

    const impact = await api.post(`/event-types/${NAME}/impact`, {
      schema: countryNarrowed,
    });
    expect(impact.status).toBe(503);
    expect(impact.body.error.message).toMatch(
      /Could not ask the catalog for the consumers of 'com\.example\.playback\.started': connection refused/,
    );
  });

  it('refuses the impact to callers without the read permission', async () => {
    const { api, audits } = await startRegistry({
      entities: [stats],
      deny: true,
    });
    const res = await api.get(`/event-types/${NAME}/impact?version=1`);
    expect(res.status).toBe(403);
    expect(audits).toContain('event-type-impact fail');
  });
});

describe('CONSUMERS compatibility scope', () => {
  it('is ALL by default, and refuses a breaking version as before', async () => {
    const { api } = await startRegistry({ entities: [stats] });
    expect(
      (await api.get(`/event-types/${NAME}`)).body.compatibilityScope,
    ).toBe('ALL');
    const res = await api.post(`/event-types/${NAME}/versions`, {
      schema: countryNarrowed,
    });
    expect(res.status).toBe(409);
    expect(res.body.problems).toEqual([
      expect.objectContaining({ field: 'country', rule: 'maxLength' }),
    ]);
  });

  it('accepts a version that breaks no consumer, recording whom it was checked against', async () => {
    const { api } = await startRegistry({ entities: [stats] });
    const patched = await api.patch(`/event-types/${NAME}`, {
      compatibilityScope: 'CONSUMERS',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.compatibilityScope).toBe('CONSUMERS');

    const res = await api.post(`/event-types/${NAME}/versions`, {
      schema: countryNarrowed,
    });
    expect(res.status).toBe(201);
    const consumerCheck = {
      problems: [
        {
          field: 'country',
          rule: 'maxLength',
          message: '/properties/country/maxLength: added (2)',
        },
      ],
      consumers: [
        {
          entityRef: 'component:default/listening-stats',
          fieldsRead: ['track_id', 'ms_played'],
        },
      ],
    };
    expect(res.body).toMatchObject({ version: 2, consumerCheck });
    expect(
      (await api.get(`/event-types/${NAME}/versions/2`)).body.consumerCheck,
    ).toEqual(consumerCheck);
    expect(
      (await api.get(`/event-types/${NAME}/versions/1`)).body,
    ).not.toHaveProperty('consumerCheck');
  });

  it('refuses a version that breaks a consumer, and one that breaks a consumer reading every field', async () => {
    const { api } = await startRegistry({
      entities: [stats],
      compatibilityScope: 'CONSUMERS',
    });
    const breaking = await api.post(`/event-types/${NAME}/versions`, {
      schema: trackNarrowed,
    });
    expect(breaking.status).toBe(409);
    expect(breaking.body.messages).toEqual([
      '/properties/track_id/maxLength: added (8)',
    ]);

    const { api: withArchive } = await startRegistry({
      entities: [stats, archive],
      compatibilityScope: 'CONSUMERS',
    });
    expect(
      (
        await withArchive.post(`/event-types/${NAME}/versions`, {
          schema: countryNarrowed,
        })
      ).status,
    ).toBe(409);
  });

  it('refuses an unknown scope', async () => {
    const { api } = await startRegistry({ entities: [] });
    const res = await api.patch(`/event-types/${NAME}`, {
      compatibilityScope: 'SOME',
    });
    expect(res.status).toBe(400);
  });
});
