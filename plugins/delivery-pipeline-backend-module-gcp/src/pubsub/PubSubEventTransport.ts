import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import { v1 } from '@google-cloud/pubsub';
import {
  ClaimExpiredError,
  EventClaim,
  EventTransport,
  failpoint,
  TransportBacklog,
  TransportEvent,
  TransportFullError,
} from '@data-collection/plugin-delivery-pipeline-node';
import {
  EVENT_TYPE_NAME_RULE,
  isValidEventTypeName,
  TtlCache,
} from '@data-collection/plugin-event-schemas-common';
import { GrpcCode, isGrpcCode } from './grpcCodes';
import {
  fromMessage,
  lineBytes,
  MAX_ACK_IDS_PER_REQUEST,
  MAX_MESSAGES_PER_PUBLISH,
  PublishBatch,
  slices,
  toMessage,
  toPublishBatches,
} from './messages';
import { PubSubProvisioner } from './PubSubProvisioner';
import {
  MetricsSnapshot,
  MonitoringAuth,
  SubscriptionMetrics,
} from './SubscriptionMetrics';

/** Pub/Sub's bounds on an ack deadline, in seconds. */
const MIN_ACK_DEADLINE_S = 10;
const MAX_ACK_DEADLINE_S = 600;

/**
 * How long after a subscription's creation Monitoring is assumed to report
 * on it: one sample a minute, shown up to a few minutes late. Also how far
 * back the metrics are read.
 */
const MONITORING_LOOKBACK_MS = 10 * 60_000;

/** Ingest's `Retry-After` when the backlog is full. */
const RETRY_AFTER_SECONDS = 5;

/** Errors worth another publish attempt inside the deadline. */
const RETRIED_PUBLISH_CODES = [
  GrpcCode.UNAVAILABLE,
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.ABORTED,
  GrpcCode.INTERNAL,
];

/** @public */
export type PubSubEventTransportOptions = {
  /** A client with `fallback: true` (REST) or gRPC; see `createPubSubClients`. */
  publisher: v1.PublisherClient;
  subscriber: v1.SubscriberClient;
  /** Creates the resources of event types and remembers which exist. */
  provisioner: PubSubProvisioner;
  /** Reads Cloud Monitoring: `GoogleAuth` or an `AuthClient`. */
  monitoringAuth: MonitoringAuth;
  /** Default `https://monitoring.googleapis.com`. */
  monitoringEndpoint?: string;
  /**
   * Longest time from an event's receipt to the end of its publish: every
   * publish RPC (retries included) must finish within it, and the low
   * watermark keeps this far behind Pub/Sub's backlog.
   */
  publishDeadlineMs: number;
  /** Largest clock difference between replicas and Google; default 5 s. */
  clockSkewMs?: number;
  /** Ingest is refused (429) beyond these. */
  maxBacklogEvents: number;
  maxBacklogBytes: number;
  logger: LoggerService;
  /** Publish retry backoff; defaults 100 ms, doubling, up to 5 s. */
  publishRetry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Longest wait for one pull; default 10 s. */
  pullTimeoutMs?: number;
  /** How long a Monitoring answer is reused; default 15 s. */
  metricsCacheMs?: number;
  /** The clock of leases and watermarks (tests move it). */
  now?: () => number;
  /**
   * Whether the schema registry knows an event type. Subscriptions are found
   * by name in the project, where anyone with Pub/Sub access may create one:
   * the messages of a type the registry does not know are poison, never
   * written to storage. Default: every type with a valid name.
   */
  isRegistered?: (eventType: string) => Promise<boolean>;
};

/** A claim as this replica holds it. */
type HeldClaim = {
  claimedAt: number;
  /** The lease Pub/Sub really grants, at most 600 s. */
  leaseMs: number;
  ackIds: Map<string, string[]>;
  oldestReceivedAt: number;
  /** Events delivered for the last time: a release dead-letters them. */
  lastAttempts: number;
};

/**
 * The transport on Cloud Pub/Sub: one topic and pull subscription per event
 * type (see {@link PubSubNames}), created by the {@link PubSubProvisioner}.
 *
 * Publishing groups events by type, one publish RPC per topic and 1000
 * messages / 9 MB, each bounded by `publishDeadlineMs` (retried within it on
 * UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED and INTERNAL). A message's data is
 * the event's line; its attributes `eventType` and `receivedAt` (milliseconds,
 * decimal). A type this process has not provisioned is provisioned first, and
 * a NOT_FOUND topic once more before one retry.
 *
 * Claiming pulls the known subscriptions in turn (`returnImmediately`, so
 * that an empty subscription does not hold the consumer up; Pub/Sub may then
 * answer empty while it holds messages, and the consumer simply polls again)
 * and extends the messages' ack deadline to the lease. Pub/Sub does not keep
 * order; claims are sorted by receive time, nothing relies on it. A message
 * without valid attributes is nacked, so that after `maxDeliveryAttempts`
 * Pub/Sub moves it to the dead-letter topic, where a subscription keeps it.
 * Note that a valid event released (or let expire) that often is
 * dead-lettered too: it is logged, counts as acknowledged for the watermark
 * (its partition may close without it) and must be replayed from there.
 *
 * Low watermark. Pub/Sub itself reports, per subscription, the age A of the
 * oldest unacknowledged message at a sample time S
 * (`subscription/oldest_unacked_message_age` in Cloud Monitoring): everything
 * published before S - A was acknowledged (or dead-lettered). An event is
 * published at most `publishDeadlineMs` (D) after its `receivedAt`, since no
 * publish RPC outlives it (D counts from the publish call: ingest stamps
 * `receivedAt` just before it; a request Pub/Sub commits just after the
 * client gave up is what part of the skew margin is for), so every event
 * received before
 * S - A - D - skew was acknowledged. The watermark is the minimum of that over
 * the subscriptions (A rounded up to the next second), of the receive times
 * this replica still publishes or holds in claims, and of now - D - skew.
 * A subscription Monitoring has no point for yet bounds it by its creation
 * time when this process created it, otherwise by the oldest time Monitoring
 * would not yet report on (10 minutes ago); it is logged if that lasts. The
 * Monitoring answer is cached for 15 s and the watermark never moves back.
 * The price: Monitoring samples once a minute and shows points 2 to 4
 * minutes late, so the watermark trails real time by that plus D and skew,
 * and partitions close that much later than with the database transport.
 * Subscriptions of our naming found in Monitoring but not provisioned by this
 * process (another replica's new type) count too, and are claimed from.
 *
 * Backlog. Pub/Sub's `num_undelivered_messages` and `backlog_bytes`, summed
 * over our delivery subscriptions (not the dead letters), plus this replica's
 * in-flight publishes. As stale as Monitoring is: the bounds are soft.
 *
 * @public
 */
export class PubSubEventTransport implements EventTransport {
  readonly #options: PubSubEventTransportOptions;
  readonly #provisioner: PubSubProvisioner;
  readonly #metrics: SubscriptionMetrics;
  readonly #now: () => number;
  readonly #clockSkewMs: number;
  readonly #inFlight = new Map<
    number,
    { events: number; bytes: number; oldestReceivedAt: number }
  >();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #claims = new Map<string, HeldClaim>();
  /** Event types found in Monitoring that the provisioner does not know. */
  readonly #discovered = new Set<string>();
  readonly #warnedNoPoint = new Set<string>();
  /** Registry answers, briefly reused: one look-up per type per minute. */
  readonly #registered = new TtlCache<boolean>({
    ttlMs: 60_000,
    maxEntries: 10_000,
  });
  #nextPublishId = 0;
  #cursor = 0;
  #watermark = 0;
  #closed = false;

  constructor(options: PubSubEventTransportOptions) {
    this.#options = options;
    this.#provisioner = options.provisioner;
    this.#now = options.now ?? Date.now;
    this.#clockSkewMs = options.clockSkewMs ?? 5_000;
    const names = options.provisioner.names;
    this.#metrics = new SubscriptionMetrics({
      auth: options.monitoringAuth,
      projectId: names.projectId,
      endpoint: options.monitoringEndpoint,
      subscriptionIdPrefix: names.topicPrefix,
      accept: id => names.eventTypeOfSubscription(id) !== undefined,
      cacheMs: options.metricsCacheMs,
      logger: options.logger,
      now: this.#now,
    });
  }

  async publish(events: TransportEvent[]): Promise<void> {
    this.#assertOpen();
    if (events.length === 0) {
      return;
    }
    // Raw partitions are NDJSON: a line break would split the event in two
    // malformed lines there. Checked before anything is sent, so that none
    // of the publish is stored.
    const broken = events.find(event => event.line.includes('\n'));
    if (broken) {
      throw new InputError(
        `An event of type ${broken.eventType} has a line break in its line`,
      );
    }
    const incoming = {
      events: events.length,
      bytes: events.reduce((sum, event) => sum + lineBytes(event), 0),
      oldestReceivedAt: events.reduce(
        (oldest, event) => Math.min(oldest, event.receivedAt),
        Infinity,
      ),
    };
    this.#assertRoomFor(incoming);
    // Every RPC of this publish ends by then, retries included: the low
    // watermark relies on it. Real time, whatever clock leases use.
    const deadline = Date.now() + this.#options.publishDeadlineMs;
    const id = this.#nextPublishId++;
    this.#inFlight.set(id, incoming);
    const batches = toPublishBatches(events);
    const done = Promise.allSettled(
      batches.map(batch => this.#publishBatch(batch, deadline)),
    );
    this.#pending.add(done);
    try {
      const results = await done;
      const failed = results.filter(
        (result): result is PromiseRejectedResult =>
          result.status === 'rejected',
      );
      if (failed.length > 0) {
        // Some batches may be in Pub/Sub already: the caller's retry
        // publishes them again, and the deduper removes those copies.
        throw new ServiceUnavailableError(
          `Pub/Sub did not take ${failed.length} of ${
            batches.length
          } publish requests: ${toError(failed[0].reason).message}`,
          failed[0].reason,
        );
      }
      failpoint('pubsub.after-publish');
    } finally {
      this.#inFlight.delete(id);
      this.#pending.delete(done);
    }
  }

  async claim(options: {
    maxEvents: number;
    leaseMs: number;
  }): Promise<EventClaim | undefined> {
    this.#assertOpen();
    if (this.#eventTypesToPull().length === 0) {
      // A replica just started knows no types until it publishes or reads
      // Monitoring: look there, so that what a previous run left is
      // claimed now rather than after the first watermark.
      const snapshot = await this.#metrics.get();
      if (snapshot) this.#discover(snapshot);
    }
    const types = this.#eventTypesToPull();
    if (types.length === 0 || options.maxEvents <= 0) {
      return undefined;
    }
    const claimedAt = this.#now();
    const events: TransportEvent[] = [];
    const ackIds = new Map<string, string[]>();
    const poison = new Map<string, string[]>();
    let lastAttempts = 0;
    const answeredEmpty = new Set<string>();
    let pullError: unknown;
    while (
      events.length < options.maxEvents &&
      answeredEmpty.size < types.length
    ) {
      const eventType = types[this.#cursor++ % types.length];
      if (answeredEmpty.has(eventType)) continue;
      const subscription = this.#provisioner.names.subscription(eventType);
      const maxMessages = Math.min(
        MAX_MESSAGES_PER_PUBLISH,
        options.maxEvents - events.length,
      );
      const { received, error } = await this.#pull(
        eventType,
        subscription,
        maxMessages,
      );
      pullError ??= error;
      if (received.length === 0) {
        answeredEmpty.add(eventType);
        continue;
      }
      let unknownType: string | undefined;
      try {
        unknownType = await this.#whyNotRegistered(eventType);
      } catch (lookupError) {
        // The registry being down is not the messages' fault: they return
        // when their ack deadline ends.
        this.#options.logger.warn(
          `Could not check event type ${eventType} against the schema registry; its messages are left for later`,
          toError(lookupError),
        );
        answeredEmpty.add(eventType);
        continue;
      }
      for (const { ackId, message, deliveryAttempt } of received) {
        if (!ackId) continue;
        const event: ReturnType<typeof fromMessage> = unknownType
          ? { poison: unknownType }
          : fromMessage(message ?? {}, eventType);
        if ('poison' in event) {
          this.#options.logger.warn(
            `Pub/Sub message ${
              message?.messageId
            } on ${subscription} is no event of this pipeline because ${
              event.poison
            }; it is nacked and goes to the dead-letter topic ${
              this.#provisioner.names.deadLetterTopic
            } after ${
              this.#provisioner.maxDeliveryAttempts
            } deliveries (this was delivery ${deliveryAttempt || '?'})`,
          );
          push(poison, subscription, ackId);
          continue;
        }
        if ((deliveryAttempt ?? 0) >= this.#provisioner.maxDeliveryAttempts) {
          lastAttempts += 1;
        }
        events.push(event);
        push(ackIds, subscription, ackId);
      }
    }
    await this.#modifyAckDeadlines(poison, 0).catch(error =>
      this.#options.logger.warn(
        'Could not nack poison Pub/Sub messages; they return when their ack deadline ends',
        toError(error),
      ),
    );
    if (events.length === 0) {
      if (pullError && poison.size === 0) {
        // Not "empty": the consumer should back off and say why.
        throw pullError;
      }
      return undefined;
    }
    const leaseSeconds = Math.min(
      MAX_ACK_DEADLINE_S,
      Math.max(MIN_ACK_DEADLINE_S, Math.ceil(options.leaseMs / 1000)),
    );
    try {
      await this.#modifyAckDeadlines(ackIds, leaseSeconds);
    } catch (error) {
      // Without the lease the claim is not worth having: give it back.
      await this.#modifyAckDeadlines(ackIds, 0).catch(() => {});
      throw error;
    }
    const id = randomUUID();
    events.sort((a, b) => a.receivedAt - b.receivedAt);
    this.#claims.set(id, {
      claimedAt,
      leaseMs: Math.min(options.leaseMs, MAX_ACK_DEADLINE_S * 1000),
      ackIds,
      oldestReceivedAt: events[0].receivedAt,
      lastAttempts,
    });
    return { id, events };
  }

  async ack(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    const held = this.#take(claim);
    await this.#forEachAckIdSlice(held.ackIds, (subscription, ackIds) =>
      this.#options.subscriber.acknowledge({ subscription, ackIds }),
    );
    // Sent anyway: Pub/Sub may not have redelivered them yet.
    if (this.#now() > held.claimedAt + held.leaseMs) {
      throw new ClaimExpiredError(
        `Claim ${claim.id} was acknowledged after its lease of ${held.leaseMs} ms ended; Pub/Sub may deliver its events again`,
      );
    }
  }

  async release(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    const held = this.#take(claim);
    if (held.lastAttempts > 0) {
      this.#options.logger.error(
        `Released ${held.lastAttempts} events delivered ${
          this.#provisioner.maxDeliveryAttempts
        } times: Pub/Sub moves them to the dead-letter topic ${
          this.#provisioner.names.deadLetterTopic
        }, from where they must be replayed`,
      );
    }
    await this.#modifyAckDeadlines(held.ackIds, 0);
  }

  async backlog(): Promise<TransportBacklog> {
    const snapshot = await this.#metrics.get();
    const held = this.#held(snapshot);
    let oldestPublished: number | undefined;
    for (const sample of snapshot?.subscriptions.values() ?? []) {
      const age = sample.oldestUnackedAge;
      // An age of 0 is also what an empty subscription reports.
      if (age && (sample.undelivered?.value ?? 1) > 0) {
        // A publish time stands in for the receive time: at most D later.
        oldestPublished = minOf(
          oldestPublished,
          age.sampledAt - (age.value + 1) * 1000,
        );
      }
    }
    return {
      events: held.events,
      bytes: held.bytes,
      maxEvents: this.#options.maxBacklogEvents,
      maxBytes: this.#options.maxBacklogBytes,
      oldestReceivedAt: minOf(
        oldestPublished,
        this.#oldestInFlight(),
        this.#oldestClaimed(),
      ),
    };
  }

  async lowWatermark(): Promise<number> {
    const snapshot = await this.#metrics.get();
    if (!snapshot) {
      // Monitoring never answered: nothing is known.
      return this.#watermark;
    }
    this.#discover(snapshot);
    const now = this.#now();
    const margin = this.#options.publishDeadlineMs + this.#clockSkewMs;
    const names = this.#provisioner.names;
    let watermark = now - margin;
    for (const eventType of this.#eventTypesToPull()) {
      const age = snapshot.subscriptions.get(
        names.subscriptionId(eventType),
      )?.oldestUnackedAge;
      if (age) {
        // Ages are whole seconds, rounded down: one more for the fraction.
        watermark = Math.min(
          watermark,
          age.sampledAt - (age.value + 1) * 1000 - margin,
        );
        continue;
      }
      watermark = Math.min(
        watermark,
        this.#boundWithoutPoint(eventType, snapshot, now) - margin,
      );
    }
    watermark = minOf(
      watermark,
      this.#oldestInFlight(),
      this.#oldestClaimed(),
    )!;
    this.#watermark = Math.max(this.#watermark, watermark);
    return this.#watermark;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
    await Promise.allSettled([
      this.#options.publisher.close(),
      this.#options.subscriber.close(),
    ]);
  }

  /**
   * The earliest publish time a subscription without a Monitoring point may
   * hold: its creation when this process created it, otherwise as far back
   * as Monitoring may lag.
   */
  #boundWithoutPoint(
    eventType: string,
    snapshot: MetricsSnapshot,
    now: number,
  ): number {
    const createdAt = this.#provisioner.createdAt(eventType);
    if (createdAt !== undefined) {
      return createdAt;
    }
    const firstSeenAt = this.#provisioner.firstSeenAt(eventType) ?? now;
    if (
      now - firstSeenAt > MONITORING_LOOKBACK_MS &&
      !this.#warnedNoPoint.has(eventType)
    ) {
      this.#warnedNoPoint.add(eventType);
      this.#options.logger.warn(
        `Cloud Monitoring has reported nothing on subscription ${this.#provisioner.names.subscription(
          eventType,
        )} for ${Math.round(
          (now - firstSeenAt) / 60_000,
        )} minutes; the low watermark stays ${
          MONITORING_LOOKBACK_MS / 60_000
        } minutes behind until it does`,
      );
    }
    return snapshot.fetchedAt - MONITORING_LOOKBACK_MS;
  }

  async #publishBatch(batch: PublishBatch, deadline: number): Promise<void> {
    const { provisioner } = this.#options;
    if (!provisioner.isProvisioned(batch.eventType)) {
      // Never publish to a topic before its subscription exists: Pub/Sub
      // would drop the messages.
      await provisioner.provision(batch.eventType);
    }
    try {
      await this.#publishRpc(batch, deadline);
    } catch (error) {
      if (!isGrpcCode(error, GrpcCode.NOT_FOUND)) {
        throw error;
      }
      this.#options.logger.warn(
        `Pub/Sub topic ${provisioner.names.topic(
          batch.eventType,
        )} was not found; provisioning it again`,
      );
      provisioner.forget(batch.eventType);
      await provisioner.provision(batch.eventType);
      await this.#publishRpc(batch, deadline);
    }
  }

  async #publishRpc(batch: PublishBatch, deadline: number): Promise<void> {
    const timeout = deadline - Date.now();
    if (timeout <= 0) {
      throw new Error(
        `The publish deadline of ${
          this.#options.publishDeadlineMs
        } ms passed before events of type ${batch.eventType} could be sent`,
      );
    }
    const retry = this.#options.publishRetry ?? {};
    await this.#options.publisher.publish(
      {
        topic: this.#provisioner.names.topic(batch.eventType),
        messages: batch.events.map(toMessage),
      },
      {
        timeout,
        retry: {
          retryCodes: RETRIED_PUBLISH_CODES,
          backoffSettings: {
            initialRetryDelayMillis: retry.initialDelayMs ?? 100,
            retryDelayMultiplier: 2,
            maxRetryDelayMillis: retry.maxDelayMs ?? 5_000,
            initialRpcTimeoutMillis: timeout,
            rpcTimeoutMultiplier: 1,
            maxRpcTimeoutMillis: timeout,
            totalTimeoutMillis: timeout,
          },
        },
      },
    );
  }

  async #pull(eventType: string, subscription: string, maxMessages: number) {
    try {
      const [response] = await this.#options.subscriber.pull(
        { subscription, maxMessages, returnImmediately: true },
        { timeout: this.#options.pullTimeoutMs ?? 10_000 },
      );
      return { received: response.receivedMessages ?? [] };
    } catch (error) {
      // One subscription failing must not cost the messages already pulled
      // from others: skip it this time.
      this.#options.logger.warn(
        `Could not pull from Pub/Sub subscription ${subscription}`,
        toError(error),
      );
      if (isGrpcCode(error, GrpcCode.NOT_FOUND)) {
        this.#provisioner.forget(eventType);
        this.#provisioner.provision(eventType).catch(() => {});
      }
      return { received: [], error };
    }
  }

  async #modifyAckDeadlines(
    ackIdsBySubscription: Map<string, string[]>,
    ackDeadlineSeconds: number,
  ): Promise<void> {
    await this.#forEachAckIdSlice(
      ackIdsBySubscription,
      (subscription, ackIds) =>
        this.#options.subscriber.modifyAckDeadline({
          subscription,
          ackIds,
          ackDeadlineSeconds,
        }),
    );
  }

  async #forEachAckIdSlice(
    ackIdsBySubscription: Map<string, string[]>,
    call: (subscription: string, ackIds: string[]) => Promise<unknown>,
  ): Promise<void> {
    const calls: Promise<unknown>[] = [];
    for (const [subscription, ackIds] of ackIdsBySubscription) {
      for (const slice of slices(ackIds, MAX_ACK_IDS_PER_REQUEST)) {
        calls.push(call(subscription, slice));
      }
    }
    const results = await Promise.allSettled(calls);
    const failed = results.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failed) {
      throw failed.reason;
    }
  }

  /** Removes a claim from those held; unknown claims have expired here. */
  #take(claim: EventClaim): HeldClaim {
    const held = this.#claims.get(claim.id);
    if (!held) {
      throw new ClaimExpiredError(
        `Claim ${claim.id} is not held by this transport: it was acknowledged or released already, or made by another process`,
      );
    }
    this.#claims.delete(claim.id);
    return held;
  }

  /** Provisioned types, then those only Monitoring knows of. */
  /** Why messages of a type are poison, or `undefined` when they are not. */
  async #whyNotRegistered(eventType: string): Promise<string | undefined> {
    if (!isValidEventTypeName(eventType)) {
      return `its event type ${JSON.stringify(
        eventType,
      )} is not a valid name (${EVENT_TYPE_NAME_RULE})`;
    }
    const isRegistered = this.#options.isRegistered;
    if (!isRegistered) {
      return undefined;
    }
    const registered = await this.#registered.getOrLoad(eventType, () =>
      isRegistered(eventType),
    );
    return registered
      ? undefined
      : `its event type ${eventType} is not registered in the schema registry`;
  }

  #eventTypesToPull(): string[] {
    const known = this.#provisioner.knownEventTypes();
    const knownSet = new Set(known);
    return [...known, ...[...this.#discovered].filter(t => !knownSet.has(t))];
  }

  #discover(snapshot: MetricsSnapshot): void {
    const names = this.#provisioner.names;
    for (const id of snapshot.subscriptions.keys()) {
      const eventType = names.eventTypeOfSubscription(id);
      if (eventType && !this.#discovered.has(eventType)) {
        this.#discovered.add(eventType);
      }
    }
  }

  #assertRoomFor(incoming: { events: number; bytes: number }): void {
    const held = this.#held(this.#metrics.current());
    const { maxBacklogEvents, maxBacklogBytes } = this.#options;
    if (held.events + incoming.events > maxBacklogEvents) {
      throw new TransportFullError(
        `Pub/Sub holds about ${held.events} events of the pipeline and takes at most ${maxBacklogEvents}`,
        RETRY_AFTER_SECONDS,
      );
    }
    if (held.bytes + incoming.bytes > maxBacklogBytes) {
      throw new TransportFullError(
        `Pub/Sub holds about ${held.bytes} bytes of events of the pipeline and takes at most ${maxBacklogBytes}`,
        RETRY_AFTER_SECONDS,
      );
    }
  }

  /** Monitoring's backlog of our subscriptions plus our in-flight publishes. */
  #held(snapshot: MetricsSnapshot | undefined) {
    let events = 0;
    let bytes = 0;
    for (const sample of snapshot?.subscriptions.values() ?? []) {
      events += sample.undelivered?.value ?? 0;
      bytes += sample.backlogBytes?.value ?? 0;
    }
    for (const publish of this.#inFlight.values()) {
      events += publish.events;
      bytes += publish.bytes;
    }
    return { events, bytes };
  }

  #oldestInFlight(): number | undefined {
    return minOf(...[...this.#inFlight.values()].map(p => p.oldestReceivedAt));
  }

  #oldestClaimed(): number | undefined {
    return minOf(...[...this.#claims.values()].map(c => c.oldestReceivedAt));
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ServiceUnavailableError('The Pub/Sub transport is closed');
    }
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function minOf(...values: Array<number | undefined>): number | undefined {
  let min: number | undefined;
  for (const value of values) {
    if (value !== undefined && (min === undefined || value < min)) {
      min = value;
    }
  }
  return min;
}
