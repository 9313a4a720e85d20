import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  AuditRecord,
  permissionStandIn,
  recordingAuditor,
} from '../__testUtils__/permissionStandIn';
import {
  PLAYBACK,
  Server,
  startPipeline,
  stopPipelines,
  waitForRaw,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(90_000);
afterEach(stopPipelines);

// alice is in playback, which owns the demo types; bob is in search; carol
// is a data platform admin.
const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/playback'],
  'user:default/bob': ['user:default/bob', 'group:default/search'],
  'user:default/carol': ['user:default/carol', 'group:default/data-platform'],
};
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const asService = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'delivery-pipeline',
  });

const SEARCH_DONE = 'com.example.search.done';

async function start() {
  const started: { server?: Server } = {};
  const { audits, factory: auditor } = recordingAuditor();
  const pipeline = await startPipeline(
    {
      ingest: {
        producers: [
          {
            subject: 'playback-service',
            eventTypes: ['com.example.playback.*'],
            sources: ['//playback-service/*'],
          },
        ],
      },
    },
    [permissionStandIn(ownership, () => started.server!), auditor],
  );
  started.server = pipeline.server;
  // A type of bob's group, registered by an admin.
  const registered = await request(pipeline.server)
    .post('/api/event-schemas/event-types')
    .set('Authorization', as('carol'))
    .send({
      name: SEARCH_DONE,
      owner: 'group:default/search',
      format: 'jsonschema',
      schema: { type: 'object' },
    });
  expect(registered.status).toBe(201);
  return { ...pipeline, audits };
}

const event = (
  id: string,
  type = PLAYBACK,
  source = '//playback-service/eu-west-1',
) => ({
  specversion: '1.0',
  id,
  type,
  source,
  data: { user_id: 'u1', track_id: 't1' },
});

function post(
  server: Server,
  authorization: string,
  events: object | object[],
) {
  return request(server)
    .post('/api/delivery-pipeline/events')
    .set('Authorization', authorization)
    .set(
      'Content-Type',
      Array.isArray(events)
        ? 'application/cloudevents-batch+json'
        : 'application/cloudevents+json',
    )
    .send(JSON.stringify(events));
}

const failedIds = async (server: Server) =>
  (
    await request(server)
      .get('/api/delivery-pipeline/failed-events?includeReplayed=true')
      .set('Authorization', as('carol'))
  ).body.items.map((item: { eventId?: string }) => item.eventId);

const refusals = (audits: AuditRecord[]) =>
  audits.filter(a => a.eventId === 'events-produce');

describe('who may produce', () => {
  it("refuses a user's events of another group's type: 403, nothing kept, audited", async () => {
    const { server, storage, audits } = await start();

    const refused = await post(server, as('bob'), event('bob-1'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `User 'user:default/bob' may not produce events of type '${PLAYBACK}': only members of its owner group (group:default/playback) and the registry admins may`,
    );
    const refusedBatch = await post(server, as('bob'), [
      event('bob-2'),
      event('bob-3'),
    ]);
    expect(refusedBatch.status).toBe(403);

    // A batch with some events refused: those are rejected with the reason,
    // as invalid events are, and not kept even as failed events; a broken
    // event (no id) of another group's type neither.
    const mixed = await post(server, as('bob'), [
      event('bob-4'),
      event('bob-5', SEARCH_DONE),
      { specversion: '1.0', type: PLAYBACK, source: '//bob', data: {} },
    ]);
    expect(mixed.status).toBe(202);
    expect(mixed.headers['content-type']).toBe(
      'application/json; charset=utf-8',
    );
    const refusedByBob = expect.stringMatching(
      /^User 'user:default\/bob' may not produce events of type/,
    );
    expect(mixed.body).toEqual({
      accepted: 1,
      rejected: [
        { index: 0, id: 'bob-4', reason: refusedByBob },
        { index: 2, reason: refusedByBob },
      ],
    });

    // The owner and an admin may.
    expect((await post(server, as('alice'), event('alice-1'))).status).toBe(
      202,
    );
    expect((await post(server, as('carol'), event('carol-1'))).status).toBe(
      202,
    );
    const raw = await waitForRaw(storage, ['alice-1', 'carol-1', 'bob-5']);
    const stored = raw.map(line => line.id);
    for (const id of ['bob-1', 'bob-2', 'bob-3', 'bob-4']) {
      expect(stored).not.toContain(id);
    }
    expect(await failedIds(server)).toEqual([]);

    expect(refusals(audits)).toEqual([
      {
        eventId: 'events-produce',
        meta: {
          producer: 'user:default/bob',
          eventTypes: [PLAYBACK],
          refusedEvents: 1,
        },
        outcome: 'fail',
        error: expect.stringMatching(/may not produce events of type/),
      },
      expect.objectContaining({
        meta: expect.objectContaining({ refusedEvents: 2 }),
      }),
      expect.objectContaining({
        meta: expect.objectContaining({ refusedEvents: 2 }),
      }),
    ]);
    // No payloads in the audit log.
    expect(JSON.stringify(audits)).not.toContain('track_id');
  });

  it('lets services produce only what deliveryPipeline.ingest.producers grants, sources in normal form', async () => {
    const { server, storage, audits } = await start();
    const playbackService = asService('playback-service');

    // Granted by prefix, from its own source.
    expect((await post(server, playbackService, event('svc-1'))).status).toBe(
      202,
    );
    expect(
      (
        await post(
          server,
          playbackService,
          event('svc-2', PLAYBACK, '//playback-service//eu/./west/'),
        )
      ).status,
    ).toBe(202);

    // Not listed: refused, whatever it sends.
    const unlisted = await post(
      server,
      asService('billing-service'),
      event('svc-3'),
    );
    expect(unlisted.status).toBe(403);
    expect(unlisted.body.error.message).toBe(
      "Service 'billing-service' may not produce events: it is not listed in deliveryPipeline.ingest.producers",
    );

    // Another type, and sources that climb out of its own.
    const otherType = await post(
      server,
      playbackService,
      event('svc-4', 'com.example.search.performed'),
    );
    expect(otherType.status).toBe(403);
    for (const [id, source] of [
      ['svc-5', '//playback-service/../billing'],
      ['svc-6', '//playback-service/%2e%2e/billing'],
      ['svc-7', '//playback-service/eu/../../billing/'],
      ['svc-8', '//playback-service-evil/eu'],
    ]) {
      const climbed = await post(
        server,
        playbackService,
        event(id, PLAYBACK, source),
      );
      expect(climbed.status).toBe(403);
      expect(climbed.body.error.message).toContain(
        `may not produce events from source '${source}'`,
      );
    }

    const raw = await waitForRaw(storage, ['svc-1', 'svc-2']);
    expect(raw.map(line => line.id).sort()).toEqual(['svc-1', 'svc-2']);
    expect(await failedIds(server)).toEqual([]);
    expect(refusals(audits).map(a => a.meta)).toContainEqual({
      producer: 'billing-service',
      eventTypes: [PLAYBACK],
      refusedEvents: 1,
    });
  });
});
