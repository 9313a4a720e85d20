import { mockServices } from '@backstage/backend-test-utils';
import { FakePubSub } from '../../__testUtils__/fakePubSub';
import { testAuthClient } from '../../__testUtils__/testAuth';
import { createPubSubClients, PubSubProtocol } from '../createPubSubClients';
import { PubSubEventTransport } from '../PubSubEventTransport';
import { PubSubNames } from '../PubSubNames';
import { PubSubProvisioner } from '../PubSubProvisioner';

export const PROJECT = 'test-project';
export const PUBLISH_DEADLINE_MS = 2_000;
export const CLOCK_SKEW_MS = 1_000;

/** A clock tests move forward to expire leases and age messages. */
export class TestClock {
  #offset = 0;
  readonly now = () => Date.now() + this.#offset;
  advance(ms: number): void {
    this.#offset += ms;
  }
}

export type HarnessOptions = {
  /** The fake's gRPC server (`FakePubSubGrpcServer.url`), or its REST one. */
  apiEndpoint?: string;
  /** Default gRPC. */
  protocol?: PubSubProtocol;
  monitoringEndpoint?: string;
  maxBacklogEvents?: number;
  maxBacklogBytes?: number;
  minimumBackoffSeconds?: number;
  monitoringPageSize?: number;
  /** Default PUBLISH_DEADLINE_MS. */
  publishDeadlineMs?: number;
  /** How long the transport reuses a Monitoring answer; default 15 s. */
  metricsCacheMs?: number;
  /** A fake and clock made beforehand, e.g. to serve it first. */
  fake?: FakePubSub;
  clock?: TestClock;
  isRegistered?: (eventType: string) => Promise<boolean>;
};

/**
 * The transport with real clients, against a fake that the caller serves:
 * Pub/Sub on gRPC (`FakePubSubGrpcServer`) or REST, Monitoring with msw's
 * `setupServer` or over HTTP.
 */
export function createHarness(options: HarnessOptions = {}) {
  const clock = options.clock ?? new TestClock();
  const fake =
    options.fake ??
    new FakePubSub({
      now: clock.now,
      monitoringPageSize: options.monitoringPageSize,
    });
  const logger = mockServices.logger.mock();
  const authClient = testAuthClient();
  const names = new PubSubNames({
    projectId: PROJECT,
    topicPrefix: 'events.',
    deadLetterTopic: 'events.dead-letter',
  });
  const newTransport = () => {
    const { publisher, subscriber } = createPubSubClients({
      projectId: PROJECT,
      authClient,
      apiEndpoint: options.apiEndpoint,
      protocol: options.protocol,
    });
    const provisioner = new PubSubProvisioner({
      publisher,
      subscriber,
      names,
      maxDeliveryAttempts: 5,
      messageRetentionMs: 24 * 3600_000,
      minimumBackoffSeconds: options.minimumBackoffSeconds ?? 0,
      maximumBackoffSeconds: 60,
      logger,
      now: clock.now,
    });
    const transport = new PubSubEventTransport({
      publisher,
      subscriber,
      provisioner,
      monitoringAuth: authClient,
      monitoringEndpoint: options.monitoringEndpoint,
      publishDeadlineMs: options.publishDeadlineMs ?? PUBLISH_DEADLINE_MS,
      clockSkewMs: CLOCK_SKEW_MS,
      maxBacklogEvents: options.maxBacklogEvents ?? 1_000_000,
      maxBacklogBytes: options.maxBacklogBytes ?? 1024 ** 3,
      publishRetry: { initialDelayMs: 5, maxDelayMs: 50 },
      logger,
      now: clock.now,
      isRegistered: options.isRegistered,
      metricsCacheMs: options.metricsCacheMs,
    });
    return { transport, provisioner, publisher, subscriber };
  };
  return { clock, fake, logger, names, newTransport, ...newTransport() };
}

/** An event as ingest makes it. */
export function event(eventType: string, id: string, receivedAt: number) {
  return {
    eventType,
    receivedAt,
    line: JSON.stringify({
      specversion: '1.0',
      id,
      type: eventType,
      source: 'test',
      receivedAt,
    }),
  };
}
