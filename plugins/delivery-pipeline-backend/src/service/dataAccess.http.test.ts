import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  permissionStandIn,
  recordingAuditor,
} from '../__testUtils__/permissionStandIn';
import {
  deliverAll,
  PLAYBACK,
  Server,
  startPipeline,
  stopPipelines,
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

const SEARCH_DONE = 'com.example.search.done';

async function start() {
  const started: { server?: Server } = {};
  const { audits, factory: auditor } = recordingAuditor();
  const pipeline = await startPipeline(
    { partitions: { width: { seconds: 2 }, grace: { milliseconds: 200 } } },
    [permissionStandIn(ownership, () => started.server!), auditor],
  );
  started.server = pipeline.server;
  const registered = await request(pipeline.server)
    .post('/api/event-schemas/event-types')
    .set('Authorization', as('carol'))
    .send({
      name: SEARCH_DONE,
      owner: 'group:default/search',
      format: 'jsonschema',
      schema: { type: 'object', required: ['query'] },
    });
  expect(registered.status).toBe(201);
  return { ...pipeline, audits };
}

const event = (id: string, type: string, data: object) => ({
  specversion: '1.0',
  id,
  type,
  source: '//tests',
  data,
});

function post(server: Server, who: string, events: object[]) {
  return request(server)
    .post('/api/delivery-pipeline/events')
    .set('Authorization', as(who))
    .set('Content-Type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(events));
}

const listFailed = (server: Server, who: string, query = '') =>
  request(server)
    .get(`/api/delivery-pipeline/failed-events${query}`)
    .set('Authorization', as(who));

const idsOf = (res: request.Response) =>
  res.body.items.map((item: { eventId?: string }) => item.eventId).sort();

describe("who may read an event type's data", () => {
  it("shows failed events only to their type's owners and the admins, and audits reads and refusals", async () => {
    const { server, audits } = await start();
    // Each owner sends an invalid event of their type; alice one of an
    // unknown type and one without a type at all.
    expect(
      (
        await post(server, 'alice', [
          event('pb-bad', PLAYBACK, { user_id: 7 }),
          event('unknown-1', 'com.example.not.registered', {}),
          { specversion: '1.0', id: 'untyped-1', source: '//tests' },
        ])
      ).status,
    ).toBe(202);
    expect(
      (await post(server, 'bob', [event('sd-bad', SEARCH_DONE, {})])).status,
    ).toBe(202);

    const refused = await listFailed(server, 'bob', `?eventType=${PLAYBACK}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `Only the owners of event type '${PLAYBACK}' and the registry admins may read its failed events`,
    );
    expect(audits).toContainEqual(
      expect.objectContaining({
        eventId: 'failed-events-read',
        meta: { eventType: PLAYBACK },
        outcome: 'fail',
      }),
    );

    // Without a type: only what the caller may read. A type the registry
    // does not know, and no type, are for the admins.
    expect(idsOf(await listFailed(server, 'bob'))).toEqual(['sd-bad']);
    expect(idsOf(await listFailed(server, 'alice'))).toEqual(['pb-bad']);
    expect(idsOf(await listFailed(server, 'carol'))).toEqual([
      'pb-bad',
      'sd-bad',
      'unknown-1',
      'untyped-1',
    ]);
    expect(
      idsOf(await listFailed(server, 'alice', `?eventType=${PLAYBACK}`)),
    ).toEqual(['pb-bad']);
    expect(audits).toContainEqual({
      eventId: 'failed-events-read',
      meta: { eventType: null },
      outcome: { items: 1, withheld: 3 },
    });

    // Replaying is the owners' too, and audited.
    const replay = await request(server)
      .post('/api/delivery-pipeline/failed-events/replay')
      .set('Authorization', as('bob'))
      .send({ eventType: PLAYBACK });
    expect(replay.status).toBe(403);
    expect(audits).toContainEqual(
      expect.objectContaining({
        eventId: 'failed-events-replay',
        meta: { eventType: PLAYBACK },
        outcome: 'fail',
      }),
    );
    const replayed = await request(server)
      .post('/api/delivery-pipeline/failed-events/replay')
      .set('Authorization', as('alice'))
      .send({ eventType: PLAYBACK });
    expect(replayed.status).toBe(200);
    expect(audits).toContainEqual({
      eventId: 'failed-events-replay',
      meta: { eventType: PLAYBACK },
      outcome: { replayed: 0, failedAgain: 1 },
    });
  });

  it("previews a partition only to its type's owners and the admins, audited", async () => {
    const pipeline = await start();
    const { server, audits } = pipeline;
    expect(
      (
        await post(server, 'alice', [
          event('pb-1', PLAYBACK, { user_id: 'u1', track_id: 't1' }),
        ])
      ).status,
    ).toBe(202);
    const [partition] = (await deliverAll(pipeline, PLAYBACK)).filter(
      p => p.counts.delivered > 0,
    );
    const preview = (who: string) =>
      request(server)
        .get(
          `/api/delivery-pipeline/partitions/${PLAYBACK}/${partition.start}/preview`,
        )
        .set('Authorization', as(who));

    const refused = await preview('bob');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `Only the owners of event type '${PLAYBACK}' and the registry admins may preview its delivered events`,
    );
    expect(JSON.stringify(refused.body)).not.toContain('t1');
    const own = await preview('alice');
    expect(own.status).toBe(200);
    expect(own.body.rows.map((row: { id: string }) => row.id)).toEqual([
      'pb-1',
    ]);
    expect((await preview('carol')).status).toBe(200);

    const previews = audits.filter(a => a.eventId === 'partition-preview');
    expect(previews.map(a => a.outcome)).toEqual([
      'fail',
      { rows: 1 },
      { rows: 1 },
    ]);
    expect(previews[0].meta).toEqual({
      eventType: PLAYBACK,
      partition: partition.start,
    });
  });
});
