import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { permissionStandIn } from '../__testUtils__/permissionStandIn';
import {
  PLAYBACK,
  Server,
  startPipeline,
  stopPipelines,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(90_000);
afterEach(stopPipelines);

const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/playback'],
};
const alice = mockCredentials.user.header('user:default/alice');
const playbackService = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('playback-service'),
  targetPluginId: 'delivery-pipeline',
});

const LEGACY = 'com.example.playback.legacy';
const SUCCESSOR = PLAYBACK;

const event = (id: string, type = LEGACY) => ({
  specversion: '1.0',
  id,
  type,
  source: '//playback-service/eu-west-1',
  data: { user_id: 'u1', track_id: 't1' },
});

function post(server: Server, events: object | object[]) {
  return request(server)
    .post('/api/delivery-pipeline/events')
    .set('Authorization', playbackService)
    .set(
      'Content-Type',
      Array.isArray(events)
        ? 'application/cloudevents-batch+json'
        : 'application/cloudevents+json',
    )
    .send(JSON.stringify(events));
}

async function start() {
  const started: { server?: Server } = {};
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
    [permissionStandIn(ownership, () => started.server!)],
  );
  started.server = pipeline.server;
  const registry = (method: 'post' | 'patch', path: string, body?: object) =>
    request(pipeline.server)
      [method](`/api/event-schemas/event-types${path}`)
      .set('Authorization', alice)
      .send(body);
  expect(
    (
      await registry('post', '', {
        name: LEGACY,
        owner: 'group:default/playback',
        format: 'jsonschema',
        schema: { type: 'object' },
      })
    ).status,
  ).toBe(201);
  return { server: pipeline.server, registry };
}

/** Ingest looks types up again on the registry's change events, soon after. */
async function eventually(check: () => Promise<void>) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}

describe('events of deprecated and retired types', () => {
  it('accepts a deprecated type, and refuses a retired one naming its successor: 410 alone, per event in a batch', async () => {
    const { server, registry } = await start();
    expect((await post(server, event('before'))).status).toBe(202);

    const deprecated = await registry('patch', `/${LEGACY}`, {
      deprecation: {
        reason: 'Merged into playback.started',
        successor: SUCCESSOR,
        sunsetAt: '2099-01-01T00:00:00Z',
      },
    });
    expect(deprecated.status).toBe(200);
    // Accepted, and the producer is told, in the answer and in the
    // standard headers (RFC 9745 and RFC 8594).
    await eventually(async () => {
      const answer = await post(server, [
        event('deprecated'),
        event('successor-0', SUCCESSOR),
      ]);
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        accepted: 2,
        rejected: [],
        deprecated: [
          {
            eventType: LEGACY,
            notice: `Event type '${LEGACY}' is deprecated: Merged into playback.started; it stops accepting events on 2099-01-01T00:00:00.000Z; send ${SUCCESSOR} instead`,
            deprecatedAt: deprecated.body.deprecation.deprecatedAt,
            sunsetAt: '2099-01-01T00:00:00.000Z',
            successor: SUCCESSOR,
          },
        ],
      });
      expect(answer.headers.deprecation).toBe(
        `@${Math.floor(
          Date.parse(deprecated.body.deprecation.deprecatedAt) / 1000,
        )}`,
      );
      expect(answer.headers.sunset).toBe('Thu, 01 Jan 2099 00:00:00 GMT');
    });
    const active = await post(server, event('active', SUCCESSOR));
    expect(active.body.deprecated).toBeUndefined();
    expect(active.headers.deprecation).toBeUndefined();

    const retired = await registry('post', `/${LEGACY}/retire`, {});
    expect(retired.status).toBe(200);
    const reason = `Event type '${LEGACY}' was retired on ${retired.body.deprecation.retiredAt}; send ${SUCCESSOR} instead`;

    await eventually(async () => {
      const single = await post(server, event('retired-1'));
      expect(single.status).toBe(410);
      expect(single.body.error.message).toBe(reason);
    });

    const batch = await post(server, [
      event('retired-2'),
      event('successor-1', SUCCESSOR),
    ]);
    expect(batch.status).toBe(202);
    expect(batch.body).toEqual({
      accepted: 1,
      rejected: [{ index: 0, id: 'retired-2', reason }],
    });
  });
});
