import request from 'supertest';
import {
  Server,
  startPipeline,
  stopPipelines,
  user,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(120_000);
afterEach(stopPipelines);

const UNKNOWN = 'com.example.not-registered';

/** Sends events of a type the registry does not know: all are kept as failed. */
async function sendRejected(server: Server, count: number, padBytes: number) {
  const batch = Array.from({ length: count }, (_, i) => ({
    specversion: '1.0',
    id: `big-${i}`,
    source: '/test',
    type: UNKNOWN,
    data: { pad: 'x'.repeat(padBytes) },
  }));
  const res = await request(server)
    .post('/api/delivery-pipeline/events')
    .set('Authorization', user)
    .set('Content-Type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(batch));
  expect(res.status).toBe(202);
  expect(res.body.rejected).toHaveLength(count);
}

describe('bounded work per request', () => {
  it('pages failed events and replays by payload bytes as well as rows', async () => {
    const { server } = await startPipeline({ api: { maxPageBytes: 3000 } });
    await sendRejected(server, 10, 1000);

    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await request(server)
        .get('/api/delivery-pipeline/failed-events')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', user);
      expect(page.status).toBe(200);
      // Each payload is over 1000 bytes: a page of 3000 bytes holds 3.
      expect(page.body.items.length).toBeGreaterThanOrEqual(1);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      ids.push(...page.body.items.map((e: { eventId: string }) => e.eventId));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size).toBe(10);

    const replay = await request(server)
      .post('/api/delivery-pipeline/failed-events/replay')
      .set('Authorization', user)
      .send({ eventType: UNKNOWN, limit: 100 });
    expect(replay.status).toBe(200);
    expect(replay.body.more).toBe(true);
    expect(replay.body.failedAgain.length).toBeLessThanOrEqual(3);
  });

  it('keeps one event on a page even when it alone is over the budget', async () => {
    const { server } = await startPipeline({ api: { maxPageBytes: 100 } });
    await sendRejected(server, 2, 1000);
    const page = await request(server)
      .get('/api/delivery-pipeline/failed-events')
      .set('Authorization', user);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toBeDefined();
  });

  it('trims failed events past their retention in the scheduled retention task', async () => {
    const pipeline = await startPipeline({
      failedEvents: { retention: { milliseconds: 1 } },
    });
    await sendRejected(pipeline.server, 3, 10);
    const list = () =>
      request(pipeline.server)
        .get('/api/delivery-pipeline/failed-events')
        .set('Authorization', user);
    expect((await list()).body.items).toHaveLength(3);
    await new Promise(resolve => setTimeout(resolve, 10));
    await pipeline.scheduler.triggerTask('delivery-pipeline-retention');
    expect((await list()).body.items).toEqual([]);
  });
});
