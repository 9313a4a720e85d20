import { ServiceUnavailableError } from '@backstage/errors';
import {
  ClaimExpiredError,
  TransportFullError,
} from '@data-collection/plugin-delivery-pipeline-node';
import { setupServer } from 'msw/node';
import { FakePubSubGrpcServer } from '../__testUtils__/fakePubSubGrpc';
import {
  CLOCK_SKEW_MS,
  createHarness,
  event,
  HarnessOptions,
  PROJECT,
  PUBLISH_DEADLINE_MS,
} from './__testUtils__/pubSubHarness';

// Pub/Sub on gRPC, Cloud Monitoring on REST: both front ends of each
// test's fake.
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

const ORDERS = 'com.example.order.placed';
const USERS = 'com.example.user.signed-up';
const LEASE_MS = 30_000;
const MARGIN_MS = PUBLISH_DEADLINE_MS + CLOCK_SKEW_MS;

function setup(options: HarnessOptions = {}) {
  const harness = createHarness({ apiEndpoint: grpcServer.url, ...options });
  server.use(...harness.fake.handlers({ monitoringOnly: true }));
  grpcServer.use(harness.fake);
  return harness;
}

function count(
  fake: ReturnType<typeof setup>['fake'],
  rpc: string,
  resource?: string,
) {
  return fake.calls.filter(
    c => c.rpc === rpc && (resource === undefined || c.resource === resource),
  ).length;
}

describe('PubSubEventTransport', () => {
  it('carries events from publish through claim to ack', async () => {
    const { transport, fake, clock } = setup();
    const now = clock.now();
    const events = [
      event(ORDERS, 'o2', now - 10),
      event(USERS, 'u1', now - 30),
      event(ORDERS, 'o1', now - 20),
    ];

    await transport.publish(events);

    // One publish request per topic.
    expect(count(fake, 'publish')).toBe(2);
    expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([
      {
        data: events[0].line,
        attributes: { eventType: ORDERS, receivedAt: String(now - 10) },
        deliveries: 0,
      },
      {
        data: events[2].line,
        attributes: { eventType: ORDERS, receivedAt: String(now - 20) },
        deliveries: 0,
      },
    ]);

    const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
    // Oldest first, whatever order Pub/Sub delivered them in.
    expect(claim?.events).toEqual([events[1], events[2], events[0]]);
    await transport.ack(claim!);

    expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([]);
    expect(fake.held(`events.${USERS}.delivery`)).toEqual([]);
    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toBeUndefined();
  });

  it('claims at most maxEvents, round-robin over the subscriptions', async () => {
    const { transport, clock } = setup();
    const now = clock.now();
    await transport.publish([
      event(ORDERS, 'o1', now),
      event(ORDERS, 'o2', now),
      event(USERS, 'u1', now),
      event(USERS, 'u2', now),
    ]);

    const first = await transport.claim({ maxEvents: 1, leaseMs: LEASE_MS });
    const second = await transport.claim({ maxEvents: 1, leaseMs: LEASE_MS });
    const rest = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });

    expect(first?.events).toHaveLength(1);
    expect(second?.events).toHaveLength(1);
    expect(first!.events[0].eventType).not.toBe(second!.events[0].eventType);
    expect(rest?.events).toHaveLength(2);
    expect(new Set([first!.id, second!.id, rest!.id]).size).toBe(3);
  });

  it('extends the ack deadline to the lease, clamped to what Pub/Sub allows', async () => {
    const { transport, fake, clock } = setup();
    await transport.publish([event(ORDERS, 'o1', clock.now())]);

    const claim = await transport.claim({ maxEvents: 10, leaseMs: 2_500 });

    expect(claim?.events).toHaveLength(1);
    // 2.5 s rounds up to 3 s, below Pub/Sub's minimum of 10 s: 10 s.
    clock.advance(9_000);
    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toBeUndefined();
    expect(count(fake, 'modifyAckDeadline')).toBe(1);
  });

  it('offers released events again at once', async () => {
    const { transport, clock } = setup();
    const events = [event(ORDERS, 'o1', clock.now())];
    await transport.publish(events);

    const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
    await transport.release(claim!);
    const again = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });

    expect(again?.events).toEqual(events);
    expect(again?.id).not.toBe(claim?.id);
  });

  it('honours the retry policy backoff after a release', async () => {
    const { transport, clock } = setup({ minimumBackoffSeconds: 10 });
    await transport.publish([event(ORDERS, 'o1', clock.now())]);

    await transport.release(
      (await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }))!,
    );
    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toBeUndefined();
    clock.advance(10_000);

    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toMatchObject({ events: [{ eventType: ORDERS }] });
  });

  it('offers the events of an expired lease again', async () => {
    const { transport, fake, clock } = setup();
    const events = [event(ORDERS, 'o1', clock.now())];
    await transport.publish(events);

    await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
    clock.advance(LEASE_MS - 1_000);
    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toBeUndefined();
    clock.advance(2_000);
    const again = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });

    expect(again?.events).toEqual(events);
    expect(fake.held(`events.${ORDERS}.delivery`)[0].deliveries).toBe(2);
  });

  it('still acknowledges a claim whose lease expired, then says so', async () => {
    const { transport, fake, clock } = setup();
    await transport.publish([event(ORDERS, 'o1', clock.now())]);
    const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
    clock.advance(LEASE_MS + 1);

    await expect(transport.ack(claim!)).rejects.toBeInstanceOf(
      ClaimExpiredError,
    );

    // Pub/Sub had not delivered it again yet, so the ack still counted.
    expect(count(fake, 'acknowledge')).toBe(1);
    expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([]);
    // A claim is settled once.
    await expect(transport.ack(claim!)).rejects.toBeInstanceOf(
      ClaimExpiredError,
    );
  });

  it('acknowledges in requests of at most 2500 ack ids', async () => {
    const { transport, fake, clock } = setup();
    const now = clock.now();
    await transport.publish(
      Array.from({ length: 2600 }, (_, i) => event(ORDERS, `o${i}`, now)),
    );
    // Pub/Sub's most messages per publish request.
    expect(count(fake, 'publish')).toBe(3);

    const claim = await transport.claim({ maxEvents: 3000, leaseMs: LEASE_MS });
    expect(claim?.events).toHaveLength(2600);
    // Three pulls of up to 1000 and one that found the subscription empty.
    expect(count(fake, 'pull')).toBe(4);
    await transport.ack(claim!);

    expect(count(fake, 'acknowledge')).toBe(2);
    expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([]);
  });

  it('fails a claim when pulling failed and nothing came', async () => {
    const { transport, fake, clock } = setup();
    await transport.publish([event(ORDERS, 'o1', clock.now())]);
    fake.failNext('pull', { status: 403 });

    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).rejects.toMatchObject({ code: 7 });
    await expect(
      transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
    ).resolves.toMatchObject({ events: [{ eventType: ORDERS }] });
  });

  it('keeps what it pulled when one subscription fails', async () => {
    const { transport, fake, clock } = setup();
    const now = clock.now();
    await transport.publish([
      event(ORDERS, 'o1', now),
      event(USERS, 'u1', now),
    ]);
    fake.failNext('pull', {
      status: 403,
      times: 10,
      resource: `events.${USERS}.delivery`,
    });

    const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });

    expect(claim?.events.map(e => e.eventType)).toEqual([ORDERS]);
  });

  describe('provisioning', () => {
    it('creates the topic, the subscription and the dead letters before the first publish', async () => {
      const { transport, fake, clock } = setup();

      await transport.publish([event(ORDERS, 'o1', clock.now())]);

      const subscription = fake.subscriptions.get(
        `projects/${PROJECT}/subscriptions/events.${ORDERS}.delivery`,
      );
      expect(subscription).toMatchObject({
        topic: `projects/${PROJECT}/topics/events.${ORDERS}`,
        ackDeadlineSeconds: 60,
        messageRetentionDuration: '86400s',
        deadLetterPolicy: {
          deadLetterTopic: `projects/${PROJECT}/topics/events.dead-letter`,
          maxDeliveryAttempts: 5,
        },
        retryPolicy: { minimumBackoff: '0s', maximumBackoff: '60s' },
        // Never deleted for inactivity.
        expirationPolicy: {},
      });
      expect([...fake.topics.keys()].sort()).toEqual([
        `projects/${PROJECT}/topics/events.${ORDERS}`,
        `projects/${PROJECT}/topics/events.dead-letter`,
      ]);
      expect(
        fake.subscriptions.get(
          `projects/${PROJECT}/subscriptions/events.dead-letter.kept`,
        ),
      ).toMatchObject({
        topic: `projects/${PROJECT}/topics/events.dead-letter`,
      });
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
    });

    it('calls no admin API again once a type is provisioned', async () => {
      const { transport, provisioner, fake, clock } = setup();
      await transport.publish([event(ORDERS, 'o1', clock.now())]);
      const adminCalls = fake.calls.length - count(fake, 'publish');

      await Promise.all([
        transport.publish([event(ORDERS, 'o2', clock.now())]),
        provisioner.provision(ORDERS),
        provisioner.provision(ORDERS),
      ]);

      expect(fake.calls.length - count(fake, 'publish')).toBe(adminCalls);
      expect(provisioner.knownEventTypes()).toEqual([ORDERS]);
    });

    it('only reads what another replica created', async () => {
      const { provisioner, newTransport, fake } = setup();
      await provisioner.provision(ORDERS);
      const other = newTransport();
      const before = fake.calls.length;

      await other.provisioner.provision(ORDERS);

      expect(fake.calls.slice(before).map(c => c.rpc)).toEqual([
        'getSubscription',
        'getSubscription',
      ]);
      expect(other.provisioner.knownEventTypes()).toEqual([ORDERS]);
      expect(other.provisioner.firstSeenAt(ORDERS)).toBeDefined();
      // It found the subscription; only its creator knows when it was made.
      expect(other.provisioner.createdAt(ORDERS)).toBeUndefined();
      expect(provisioner.createdAt(ORDERS)).toBeDefined();
    });

    it('takes 409 ALREADY_EXISTS as done when another replica creates first', async () => {
      const { provisioner, newTransport, fake } = setup();
      await provisioner.provision(ORDERS);
      const other = newTransport();
      // Both looked before either created: the other replica sees nothing.
      for (const resource of [
        'events.dead-letter.kept',
        `events.${ORDERS}.delivery`,
      ]) {
        fake.failNext('getSubscription', { status: 404, resource });
      }
      const before = fake.calls.length;

      await other.provisioner.provision(ORDERS);

      expect(fake.calls.slice(before).map(c => c.rpc)).toEqual([
        'getSubscription',
        'createTopic',
        'createSubscription',
        'getSubscription',
        'getSubscription',
        'createTopic',
        'createSubscription',
        'getSubscription',
      ]);
      expect(other.provisioner.knownEventTypes()).toEqual([ORDERS]);
      expect(fake.subscriptions.size).toBe(2);
      expect(fake.topics.size).toBe(2);
    });

    it('creates the subscription of a topic another replica left without one', async () => {
      const { provisioner, fake } = setup();
      fake.topics.set(`projects/${PROJECT}/topics/events.${ORDERS}`, {
        name: `projects/${PROJECT}/topics/events.${ORDERS}`,
      });

      await provisioner.provision(ORDERS);

      expect(
        fake.subscriptions.get(
          `projects/${PROJECT}/subscriptions/events.${ORDERS}.delivery`,
        )?.topic,
      ).toBe(`projects/${PROJECT}/topics/events.${ORDERS}`);
      expect(provisioner.createdAt(ORDERS)).toBeDefined();
    });

    it('tries again after a failed attempt', async () => {
      const { provisioner, fake } = setup();
      fake.failNext('createSubscription', { status: 403 });

      await expect(provisioner.provision(ORDERS)).rejects.toThrow();
      expect(provisioner.knownEventTypes()).toEqual([]);
      await provisioner.provision(ORDERS);

      expect(provisioner.knownEventTypes()).toEqual([ORDERS]);
    });

    it('provisions again when a publish finds the topic gone', async () => {
      const { transport, fake, clock } = setup();
      await transport.publish([event(ORDERS, 'o1', clock.now())]);
      // Someone deleted both, e.g. by hand.
      fake.topics.delete(`projects/${PROJECT}/topics/events.${ORDERS}`);
      fake.subscriptions.delete(
        `projects/${PROJECT}/subscriptions/events.${ORDERS}.delivery`,
      );

      await transport.publish([event(ORDERS, 'o2', clock.now())]);

      expect(
        fake.held(`events.${ORDERS}.delivery`).map(m => JSON.parse(m.data).id),
      ).toEqual(['o2']);
    });

    it('refuses to publish when the subscription lost its topic', async () => {
      const { transport, fake, clock } = setup();
      await transport.publish([event(ORDERS, 'o1', clock.now())]);
      // The topic alone was deleted: the subscription is detached.
      fake.topics.delete(`projects/${PROJECT}/topics/events.${ORDERS}`);
      fake.subscriptions.get(
        `projects/${PROJECT}/subscriptions/events.${ORDERS}.delivery`,
      )!.topic = '_deleted-topic_';

      await expect(
        transport.publish([event(ORDERS, 'o2', clock.now())]),
      ).rejects.toThrow(/receives from _deleted-topic_/);
      // What it held is still there to be pulled.
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
    });
  });

  describe('publish failures', () => {
    it('retries 503 UNAVAILABLE within the deadline', async () => {
      const { transport, fake, clock } = setup();
      fake.failNext('publish', { status: 503, times: 2 });

      await transport.publish([event(ORDERS, 'o1', clock.now())]);

      expect(count(fake, 'publish')).toBe(3);
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
    });

    it('retries 429 RESOURCE_EXHAUSTED quota errors within the deadline', async () => {
      const { transport, fake, clock } = setup();
      fake.failNext('publish', { status: 429, times: 3 });

      await transport.publish([event(ORDERS, 'o1', clock.now())]);

      expect(count(fake, 'publish')).toBe(4);
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
    });

    it('rejects when quota errors outlast the publish deadline', async () => {
      const { transport, fake, clock } = setup();
      fake.failNext('publish', { status: 429, times: 100_000 });
      const started = Date.now();

      await expect(
        transport.publish([event(ORDERS, 'o1', clock.now())]),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);

      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(PUBLISH_DEADLINE_MS - 100);
      expect(elapsed).toBeLessThan(PUBLISH_DEADLINE_MS + 1_000);
      expect(count(fake, 'publish')).toBeGreaterThan(3);
      expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([]);
    });

    it('rejects a publish that times out', async () => {
      const { transport, fake, clock } = setup();
      await transport.publish([event(ORDERS, 'o0', clock.now())]);
      fake.failNext('publish', { delayMs: PUBLISH_DEADLINE_MS + 500 });

      await expect(
        transport.publish([event(ORDERS, 'o1', clock.now())]),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);
    });

    it('does not retry errors that are no transient', async () => {
      const { transport, fake, clock } = setup();
      await transport.publish([event(ORDERS, 'o0', clock.now())]);
      fake.failNext('publish', { status: 403 });

      await expect(
        transport.publish([event(ORDERS, 'o1', clock.now())]),
      ).rejects.toThrow(/Pub\/Sub did not take 1 of 1/);
      expect(count(fake, 'publish')).toBe(2);
    });

    it('rejects a partial failure, and a retry loses nothing', async () => {
      const { transport, fake, clock } = setup();
      const now = clock.now();
      const events = [
        event(ORDERS, 'o1', now),
        event(USERS, 'u1', now),
        event(USERS, 'u2', now),
      ];
      fake.failNext('publish', {
        status: 429,
        times: 100_000,
        resource: `events.${USERS}`,
      });

      await expect(transport.publish(events)).rejects.toThrow(
        /did not take 1 of 2/,
      );
      // The orders went in; the users did not.
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
      expect(fake.held(`events.${USERS}.delivery`)).toHaveLength(0);

      fake.clearFaults();
      await transport.publish(events);
      const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });

      // Every event at least once; the second order is the deduper's job.
      expect(claim?.events.map(e => JSON.parse(e.line).id).sort()).toEqual([
        'o1',
        'o1',
        'u1',
        'u2',
      ]);
    });
  });

  it('sends poison messages to the dead-letter topic after maxDeliveryAttempts', async () => {
    const { transport, publisher, provisioner, fake, logger, clock } = setup();
    await provisioner.provision(ORDERS);
    // Published by someone else, without our attributes.
    await publisher.publish({
      topic: `projects/${PROJECT}/topics/events.${ORDERS}`,
      messages: [{ data: Buffer.from('not an event') }],
    });
    await transport.publish([event(ORDERS, 'o1', clock.now())]);

    const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
    expect(claim?.events.map(e => JSON.parse(e.line).id)).toEqual(['o1']);
    await transport.ack(claim!);
    for (let attempt = 2; attempt <= 5; attempt++) {
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: LEASE_MS }),
      ).resolves.toBeUndefined();
    }

    expect(fake.held(`events.${ORDERS}.delivery`)).toEqual([]);
    expect(fake.held('events.dead-letter.kept')).toEqual([
      expect.objectContaining({
        data: 'not an event',
        attributes: expect.objectContaining({
          CloudPubSubDeadLetterSourceDeliveryCount: '5',
          CloudPubSubDeadLetterSourceSubscription: `events.${ORDERS}.delivery`,
        }),
      }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /is no event of this pipeline because it has no eventType attribute/,
      ),
    );
  });

  it('takes the messages of a type the registry does not know, or of an invalid name, for poison', async () => {
    const isRegistered = jest.fn(
      async (eventType: string) => eventType === ORDERS,
    );
    const { transport, provisioner, fake, logger, clock } = setup({
      isRegistered,
    });
    await provisioner.provision(ORDERS);
    // Subscriptions anyone with access to the project could have made; the
    // transport finds them in Monitoring by their names.
    await provisioner.provision(USERS);
    await provisioner.provision('..');
    await transport.publish([
      event(ORDERS, 'o1', clock.now()),
      event(USERS, 'u1', clock.now()),
      event('..', 'x1', clock.now()),
    ]);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const claim = await transport.claim({ maxEvents: 10, leaseMs: LEASE_MS });
      expect(claim?.events.map(e => JSON.parse(e.line).id) ?? []).toEqual(
        attempt === 1 ? ['o1'] : [],
      );
      if (claim) await transport.ack(claim);
    }

    expect(
      fake.held('events.dead-letter.kept').map(m => JSON.parse(m.data).id),
    ).toEqual(expect.arrayContaining(['u1', 'x1']));
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /because its event type com\.example\.user\.signed-up is not registered in the schema registry/,
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /because its event type "\.\." is not a valid name/,
      ),
    );
    // One registry look-up per type, not per message or claim.
    expect(isRegistered).toHaveBeenCalledTimes(2);
  });

  describe('low watermark', () => {
    it('is held back by an unacknowledged message until Monitoring sees it acknowledged', async () => {
      const { transport, fake, clock } = setup();
      const receivedAt = clock.now();
      await transport.publish([event(ORDERS, 'o1', receivedAt)]);
      const claim = await transport.claim({ maxEvents: 1, leaseMs: LEASE_MS });
      await transport.release(claim!);
      clock.advance(60_000);
      fake.sampleMetrics();

      expect(await transport.lowWatermark()).toBeLessThan(receivedAt);
      clock.advance(120_000);
      fake.sampleMetrics();
      clock.advance(15_000);
      expect(await transport.lowWatermark()).toBeLessThan(receivedAt);

      await transport.ack(
        (await transport.claim({ maxEvents: 1, leaseMs: LEASE_MS }))!,
      );
      clock.advance(15_000);
      // Monitoring has no newer sample yet.
      expect(await transport.lowWatermark()).toBeLessThan(receivedAt);

      // One reading of the clock, which runs on real time between calls.
      const sampledAt = clock.now();
      fake.sampleMetrics(sampledAt);
      clock.advance(15_000);
      const watermark = await transport.lowWatermark();
      expect(watermark).toBeGreaterThan(receivedAt);
      // An empty subscription: the sample time less the margins.
      expect(watermark).toBe(sampledAt - 1_000 - MARGIN_MS);
    });

    it('reuses the Monitoring answer for 15 seconds', async () => {
      const { transport, fake } = setup();
      await transport.lowWatermark();
      await transport.lowWatermark();
      await transport.backlog();

      expect(count(fake, 'listTimeSeries')).toBe(3);
    });

    it('follows Monitoring pages and ignores other subscriptions', async () => {
      const { transport, provisioner, fake, clock } = setup({
        monitoringPageSize: 1,
      });
      const receivedAt = clock.now();
      await transport.publish([event(ORDERS, 'o1', receivedAt)]);
      await provisioner.provision(USERS);
      // Another application's subscription with an old message.
      fake.topics.set(`projects/${PROJECT}/topics/other`, {
        name: `projects/${PROJECT}/topics/other`,
      });
      fake.subscriptions.set(`projects/${PROJECT}/subscriptions/other-sub`, {
        ...fake.subscriptions.get(
          `projects/${PROJECT}/subscriptions/events.dead-letter.kept`,
        )!,
        name: `projects/${PROJECT}/subscriptions/other-sub`,
        topic: `projects/${PROJECT}/topics/other`,
        messages: new Map(),
      });
      clock.advance(30_000);
      fake.sampleMetrics();

      const watermark = await transport.lowWatermark();

      expect(watermark).toBeLessThan(receivedAt);
      expect(watermark).toBeGreaterThan(receivedAt - 10_000);
      expect(count(fake, 'listTimeSeries')).toBeGreaterThan(3);
      const backlog = await transport.backlog();
      expect(backlog.events).toBe(1);
    });

    it('is bounded by the publishes still in flight', async () => {
      const { transport, provisioner, fake, clock } = setup();
      await provisioner.provision(ORDERS);
      fake.failNext('publish', { delayMs: 300 });
      const oldReceivedAt = clock.now() - 5_000;

      const publishing = transport.publish([
        event(ORDERS, 'o1', oldReceivedAt),
      ]);
      const watermark = await transport.lowWatermark();
      await publishing;

      expect(watermark).toBeLessThanOrEqual(oldReceivedAt);
    });

    it('is bounded by the creation of a subscription Monitoring has no point for', async () => {
      const { transport, provisioner, clock } = setup();
      const before = clock.now();
      await provisioner.provision(ORDERS);
      // Created between the two: provisioning takes a while on a busy machine.
      const after = clock.now();
      clock.advance(60_000);

      const watermark = await transport.lowWatermark();

      expect(watermark).toBeLessThanOrEqual(after - MARGIN_MS);
      expect(watermark).toBeGreaterThanOrEqual(before - MARGIN_MS - 1_000);
    });

    it('stays 10 minutes behind for a subscription another replica created and Monitoring does not report', async () => {
      const { provisioner, newTransport, clock, logger } = setup();
      await provisioner.provision(ORDERS);
      const other = newTransport();
      await other.provisioner.provision(ORDERS);

      const watermark = await other.transport.lowWatermark();
      expect(watermark).toBeLessThanOrEqual(
        clock.now() - 10 * 60_000 - MARGIN_MS,
      );

      clock.advance(11 * 60_000);
      await other.transport.lowWatermark();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/has reported nothing on subscription/),
      );
    });

    it('counts subscriptions that only Monitoring knows of, and claims from them', async () => {
      const { transport, newTransport, fake, clock } = setup();
      const receivedAt = clock.now();
      await transport.publish([event(ORDERS, 'o1', receivedAt)]);
      clock.advance(60_000);
      fake.sampleMetrics();
      // A replica that never provisioned the type.
      const other = newTransport();

      expect(await other.transport.lowWatermark()).toBeLessThan(receivedAt);
      const claim = await other.transport.claim({
        maxEvents: 10,
        leaseMs: LEASE_MS,
      });
      expect(claim?.events.map(e => e.receivedAt)).toEqual([receivedAt]);
    });

    it('never moves backwards', async () => {
      const { transport, provisioner, fake, clock } = setup();
      await provisioner.provision(ORDERS);
      clock.advance(60_000);
      fake.sampleMetrics();
      const first = await transport.lowWatermark();
      clock.advance(15_000);
      fake.failNext('publish', { delayMs: 300 });

      // An event in flight from before the first answer would pull it back.
      const publishing = transport.publish([
        event(ORDERS, 'o1', first - 60_000),
      ]);
      const second = await transport.lowWatermark();
      await publishing;

      expect(second).toBe(first);
    });

    it('holds when Monitoring fails', async () => {
      const { transport, provisioner, fake, clock, logger } = setup();
      await provisioner.provision(ORDERS);
      clock.advance(60_000);
      fake.sampleMetrics();
      const first = await transport.lowWatermark();
      clock.advance(60_000);
      fake.sampleMetrics();
      clock.advance(15_000);
      fake.failNext('listTimeSeries', { status: 403, times: 3 });

      // The last answer, 75 s old, still stands.
      expect(await transport.lowWatermark()).toBe(first);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/Could not read Pub\/Sub subscription metrics/),
        expect.anything(),
      );
    });

    it('is 0 while Monitoring never answered', async () => {
      const { transport, fake } = setup();
      fake.failNext('listTimeSeries', { status: 503, times: 100 });

      await expect(transport.lowWatermark()).resolves.toBe(0);
    });
  });

  describe('backlog', () => {
    it('adds what Monitoring reports to the publishes in flight', async () => {
      const { transport, fake, clock } = setup();
      const receivedAt = clock.now();
      await transport.publish([
        event(ORDERS, 'o1', receivedAt),
        event(USERS, 'u1', receivedAt),
      ]);
      clock.advance(30_000);
      fake.sampleMetrics();

      const backlog = await transport.backlog();

      expect(backlog).toMatchObject({
        events: 2,
        maxEvents: 1_000_000,
        maxBytes: 1024 ** 3,
      });
      expect(backlog.bytes).toBeGreaterThan(0);
      // Approximated by the publish time, rounded down to the second.
      expect(backlog.oldestReceivedAt).toBeLessThanOrEqual(receivedAt + 100);
      expect(backlog.oldestReceivedAt).toBeGreaterThan(receivedAt - 2_000);
    });

    it('refuses publishes while it is at its bound', async () => {
      const { transport, fake, clock } = setup({ maxBacklogEvents: 3 });
      const now = clock.now();
      await transport.publish([
        event(ORDERS, 'o1', now),
        event(ORDERS, 'o2', now),
        event(ORDERS, 'o3', now),
      ]);
      clock.advance(30_000);
      fake.sampleMetrics();
      await transport.backlog();

      const refused = transport.publish([event(ORDERS, 'o4', now)]);

      await expect(refused).rejects.toBeInstanceOf(TransportFullError);
      await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 5 });
      expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(3);
    });

    it('counts its own publishes in flight towards the bound', async () => {
      const { transport, fake, clock } = setup({ maxBacklogEvents: 3 });
      const now = clock.now();
      await transport.publish([
        event(ORDERS, 'o1', now),
        event(ORDERS, 'o2', now),
      ]);
      clock.advance(30_000);
      fake.sampleMetrics();
      await transport.backlog();
      fake.failNext('publish', { delayMs: 200 });

      const inFlight = transport.publish([event(ORDERS, 'o3', now)]);
      await expect(
        transport.publish([event(ORDERS, 'o4', now)]),
      ).rejects.toBeInstanceOf(TransportFullError);
      await inFlight;
    });

    it('refuses publishes beyond its bytes bound', async () => {
      const { transport, clock } = setup({ maxBacklogBytes: 100 });

      await expect(
        transport.publish([event(ORDERS, 'x'.repeat(200), clock.now())]),
      ).rejects.toBeInstanceOf(TransportFullError);
    });
  });

  it('finishes publishes in flight on close', async () => {
    const { transport, provisioner, fake, clock } = setup();
    await provisioner.provision(ORDERS);
    fake.failNext('publish', { delayMs: 200 });

    const publishing = transport.publish([event(ORDERS, 'o1', clock.now())]);
    await new Promise(resolve => setTimeout(resolve, 20));
    await transport.close();

    await expect(publishing).resolves.toBeUndefined();
    expect(fake.held(`events.${ORDERS}.delivery`)).toHaveLength(1);
    await expect(
      transport.publish([event(ORDERS, 'o2', clock.now())]),
    ).rejects.toThrow(/closed/);
  });
});
