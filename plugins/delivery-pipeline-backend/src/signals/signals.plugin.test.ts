import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import {
  deliverAll,
  PLAYBACK,
  playback,
  startPipeline,
  stopPipelines,
  user,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(60_000);

afterEach(stopPipelines);

describe('the pipeline on the signals service', () => {
  it('signals each delivered partition once, to the delivery pages', async () => {
    // The portal's signals service, replaced by one that records.
    const published: SignalPayload[] = [];
    const pipeline = await startPipeline(
      { partitions: { width: { seconds: 2 }, grace: { milliseconds: 200 } } },
      [
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async signal => {
              published.push(signal as SignalPayload);
            },
          }),
        }),
      ],
    );
    const sent = await request(pipeline.server)
      .post('/api/delivery-pipeline/events')
      .set('Authorization', user)
      .set('Content-Type', 'application/cloudevents-batch+json')
      .send(JSON.stringify([playback('a'), playback('b')]));
    expect(sent.status).toBe(202);

    const items = await deliverAll(pipeline, PLAYBACK);

    // One signal per delivered partition of the type, and nothing but its
    // name, start and state, to everyone (the page refetches through the
    // permission-checked API).
    const playbackSignals = published.filter(
      s => s.message.eventType === PLAYBACK,
    );
    expect(playbackSignals).toHaveLength(items.length);
    expect(new Set(playbackSignals.map(s => s.message.partitionStart))).toEqual(
      new Set(items.map(p => p.start)),
    );
    for (const signal of published) {
      expect(signal).toEqual({
        recipients: { type: 'broadcast' },
        channel: 'delivery-pipeline:partitions',
        message: {
          eventType: expect.any(String),
          partitionStart: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          state: 'delivered',
        },
      });
    }
  });
});
