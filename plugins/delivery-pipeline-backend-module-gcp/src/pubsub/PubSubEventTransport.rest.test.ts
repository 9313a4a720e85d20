import { FakePubSub } from '../__testUtils__/fakePubSub';
import { serveHandlers } from '../__testUtils__/serveHandlers';
import { createHarness, event, TestClock } from './__testUtils__/pubSubHarness';

/**
 * The clients on the REST fallback (`protocol: 'rest'`), against the fake's
 * REST front end served over plain HTTP on another endpoint: the clients'
 * `apiEndpoint` and the Monitoring endpoint both point at it. The other
 * tests run on gRPC, against the same fake's gRPC front end.
 */
describe('PubSubEventTransport over REST', () => {
  const clock = new TestClock();
  const fake = new FakePubSub({ now: clock.now, sampleOnRead: true });
  let served: Awaited<ReturnType<typeof serveHandlers>>;

  beforeAll(async () => {
    served = await serveHandlers(fake.handlers());
  });
  afterAll(() => served.close());

  it('publishes, claims, acknowledges and reads Monitoring at that endpoint', async () => {
    const { transport } = createHarness({
      fake,
      clock,
      apiEndpoint: served.url,
      protocol: 'rest',
      monitoringEndpoint: served.url,
    });
    const receivedAt = clock.now();
    const events = [event('com.example.order.placed', 'o1', receivedAt)];

    await transport.publish(events);
    const claim = await transport.claim({ maxEvents: 10, leaseMs: 30_000 });
    expect(claim?.events).toEqual(events);
    await transport.ack(claim!);
    clock.advance(60_000);

    // Monitoring sampled as it was read.
    expect(await transport.lowWatermark()).toBeGreaterThan(receivedAt);
    expect(fake.calls.map(c => c.rpc)).toEqual(
      expect.arrayContaining([
        'createTopic',
        'createSubscription',
        'publish',
        'pull',
        'modifyAckDeadline',
        'acknowledge',
        'listTimeSeries',
      ]),
    );
    await transport.close();
  });
});
