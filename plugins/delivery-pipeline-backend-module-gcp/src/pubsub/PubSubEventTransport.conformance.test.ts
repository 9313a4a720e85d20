import { describeTransportConformance } from '@data-collection/plugin-delivery-pipeline-node/testUtils';
import { setupServer } from 'msw/node';
import { FakePubSub } from '../__testUtils__/fakePubSub';
import { FakePubSubGrpcServer } from '../__testUtils__/fakePubSubGrpc';
import { createHarness, TestClock } from './__testUtils__/pubSubHarness';

jest.setTimeout(120_000);

// Pub/Sub on gRPC (the production default), Cloud Monitoring on REST.
const server = setupServer();
const grpcServer = new FakePubSubGrpcServer();
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  await grpcServer.listen();
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await grpcServer.close();
});

describe('PubSubEventTransport', () => {
  // The transport with real clients against the fake Pub/Sub. Its
  // Monitoring answers with a fresh sample each time and the transport does
  // not cache it, so the backlog counts what is held; the real one is
  // minutes late, which the transport's own tests cover.
  describeTransportConformance(
    [['pubsub']],
    async () => {
      const clock = new TestClock();
      const fake = new FakePubSub({ now: clock.now, sampleOnRead: true });
      server.use(...fake.handlers({ monitoringOnly: true }));
      grpcServer.use(fake);
      return {
        // Each transport has its own clients and provisioner, on the same
        // fake: opening another is a restart of the replica.
        open: async bounds =>
          createHarness({
            fake,
            clock,
            apiEndpoint: grpcServer.url,
            metricsCacheMs: 0,
            // Room for a busy test machine: the deadline bounds real time.
            publishDeadlineMs: 30_000,
            ...bounds,
          }).transport,
        // Pub/Sub's ack deadlines are whole seconds, at least 10: a lease
        // shorter than that ends for the transport at once, and for Pub/Sub
        // (which offers its events again) only after 10 seconds.
        passTime: async ms => clock.advance(Math.max(ms, 10_000) + 1_000),
        now: clock.now,
      };
    },
    // Pub/Sub keeps no order and leases messages one at a time; its backlog
    // and watermark come from message ages, which know publish times, not
    // receive times. See TransportConformanceOptions.
    { ordered: false, exactBacklog: false, exactWatermark: false },
  );
});
