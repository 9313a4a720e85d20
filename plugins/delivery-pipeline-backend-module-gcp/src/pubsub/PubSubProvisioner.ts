import { LoggerService } from '@backstage/backend-plugin-api';
import { v1 } from '@google-cloud/pubsub';
import { PubSubNames } from './PubSubNames';
import { isGrpcCode, GrpcCode } from './grpcCodes';

/** @public */
export type PubSubProvisionerOptions = {
  publisher: v1.PublisherClient;
  subscriber: v1.SubscriberClient;
  names: PubSubNames;
  /** Pub/Sub's bounds: 5 to 100. */
  maxDeliveryAttempts: number;
  /** How long Pub/Sub keeps unacknowledged messages (at most 7 days). */
  messageRetentionMs: number;
  /** The subscriptions' ack deadline until a claim sets its lease; 10 to 600. Default 60. */
  ackDeadlineSeconds?: number;
  /** Redelivery backoff after a nack or an expired lease; default 10 s to 600 s. */
  minimumBackoffSeconds?: number;
  maximumBackoffSeconds?: number;
  logger: LoggerService;
  now?: () => number;
};

/**
 * Creates the Pub/Sub resources of event types: the topic, its delivery
 * subscription (pull, with the dead-letter and retry policies and no
 * expiration, since Pub/Sub would otherwise delete a subscription idle for 31
 * days), and once the dead-letter topic with a subscription that keeps its
 * messages. It reads the subscription first and creates only what is
 * missing; creation is idempotent (409 ALREADY_EXISTS counts as done), so
 * every replica may provision the same type at once. An existing
 * subscription's settings are left as they are (change them with gcloud); one
 * attached to another topic (its topic was deleted) is an error, since
 * publishing would then lose events.
 *
 * It remembers what it provisioned, so publishing calls no admin API on the
 * hot path, and when it first saw each subscription, which bounds the
 * transport's low watermark until Monitoring reports on it.
 *
 * @public
 */
export class PubSubProvisioner {
  readonly names: PubSubNames;
  readonly #options: PubSubProvisionerOptions;
  readonly #now: () => number;
  readonly #provisioned = new Map<string, Promise<void>>();
  readonly #firstSeenAt = new Map<string, number>();
  readonly #ready = new Set<string>();
  readonly #createdAt = new Map<string, number>();
  #deadLetter?: Promise<void>;

  constructor(options: PubSubProvisionerOptions) {
    this.#options = options;
    this.names = options.names;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Makes sure the event type's topic and subscription exist. Concurrent and
   * repeated calls share one attempt; a failed attempt is forgotten, so the
   * next call tries again.
   */
  provision(eventType: string): Promise<void> {
    let provisioned = this.#provisioned.get(eventType);
    if (!provisioned) {
      provisioned = this.#create(eventType).then(
        () => {
          this.#ready.add(eventType);
          if (!this.#firstSeenAt.has(eventType)) {
            this.#firstSeenAt.set(eventType, this.#now());
          }
        },
        error => {
          this.#provisioned.delete(eventType);
          throw error;
        },
      );
      this.#provisioned.set(eventType, provisioned);
    }
    return provisioned;
  }

  /**
   * Forgets that the event type was provisioned, e.g. when a publish found
   * its topic missing: the next {@link PubSubProvisioner.provision} checks
   * again. Its first-seen time is kept.
   */
  forget(eventType: string): void {
    this.#provisioned.delete(eventType);
    this.#ready.delete(eventType);
  }

  /** Whether `provision` succeeded for the type (and was not forgotten). */
  isProvisioned(eventType: string): boolean {
    return this.#ready.has(eventType);
  }

  /** The event types provisioned so far, in the order they were first seen. */
  knownEventTypes(): string[] {
    return [...this.#firstSeenAt.keys()];
  }

  /** When this process first saw the type's subscription exist. */
  firstSeenAt(eventType: string): number | undefined {
    return this.#firstSeenAt.get(eventType);
  }

  /**
   * When this process created the type's subscription; `undefined` when it
   * found it existing (created by another replica, or before).
   */
  createdAt(eventType: string): number | undefined {
    return this.#createdAt.get(eventType);
  }

  /** After this many deliveries Pub/Sub moves a message to the dead letters. */
  get maxDeliveryAttempts(): number {
    return this.#options.maxDeliveryAttempts;
  }

  async #create(eventType: string): Promise<void> {
    const { names, logger } = this.#options;
    await this.#ensureDeadLetter();
    const topic = names.topic(eventType);
    const subscription = names.subscription(eventType);
    const createdAt = await this.#ensure(topic, subscription, {
      deadLetterPolicy: {
        deadLetterTopic: names.deadLetterTopic,
        maxDeliveryAttempts: this.#options.maxDeliveryAttempts,
      },
      retryPolicy: {
        minimumBackoff: {
          seconds: this.#options.minimumBackoffSeconds ?? 10,
        },
        maximumBackoff: {
          seconds: this.#options.maximumBackoffSeconds ?? 600,
        },
      },
    });
    if (createdAt !== undefined) {
      this.#createdAt.set(eventType, createdAt);
      logger.info(
        `Created Pub/Sub topic ${topic} and subscription ${subscription} for event type ${eventType}`,
      );
    }
  }

  #ensureDeadLetter(): Promise<void> {
    const { names } = this.#options;
    this.#deadLetter ??= this.#ensure(
      names.deadLetterTopic,
      names.deadLetterSubscription,
      {},
    )
      .then(() => {})
      .catch(error => {
        this.#deadLetter = undefined;
        throw error;
      });
    return this.#deadLetter;
  }

  /**
   * Makes sure the subscription exists on the topic. One read when it does
   * (the usual case: every replica provisions every type at start-up);
   * otherwise creates the topic and the subscription, either of which
   * another replica may create first. Returns when it created the
   * subscription, `undefined` if it existed.
   */
  async #ensure(
    topic: string,
    subscription: string,
    policies: Omit<
      NonNullable<Parameters<v1.SubscriberClient['createSubscription']>[0]>,
      'name' | 'topic'
    >,
  ): Promise<number | undefined> {
    const { publisher, subscriber } = this.#options;
    if (await this.#isAttached(subscription, topic)) {
      return undefined;
    }
    await createIfMissing(() => publisher.createTopic({ name: topic }));
    // Before the call: the subscription cannot hold anything older.
    const requestedAt = this.#now();
    const created = await createIfMissing(() =>
      subscriber.createSubscription({
        name: subscription,
        topic,
        ...this.#subscriptionSettings(),
        ...policies,
      }),
    );
    if (created) {
      return requestedAt;
    }
    if (!(await this.#isAttached(subscription, topic))) {
      throw new Error(
        `Pub/Sub subscription ${subscription} exists yet cannot be read`,
      );
    }
    return undefined;
  }

  /**
   * Whether the subscription exists, on this topic. One that receives from
   * another topic (`_deleted-topic_` once its topic was deleted) would miss
   * every event published now, so it is an error, not something to work
   * around: deleting it would lose what it still holds.
   */
  async #isAttached(subscription: string, topic: string): Promise<boolean> {
    let existing;
    try {
      [existing] = await this.#options.subscriber.getSubscription({
        subscription,
      });
    } catch (error) {
      if (isGrpcCode(error, GrpcCode.NOT_FOUND)) {
        return false;
      }
      throw error;
    }
    if (existing.topic !== topic) {
      throw new Error(
        `Pub/Sub subscription ${subscription} receives from ${existing.topic}, not ${topic}: events published to ${topic} would not reach it. Pull what it holds, then delete it so that it can be created again.`,
      );
    }
    return true;
  }

  #subscriptionSettings() {
    return {
      ackDeadlineSeconds: this.#options.ackDeadlineSeconds ?? 60,
      messageRetentionDuration: {
        seconds: Math.floor(this.#options.messageRetentionMs / 1000),
      },
      // An empty policy: never expires.
      expirationPolicy: {},
    };
  }
}

/** Runs a create call; `false` when the resource already existed. */
async function createIfMissing(create: () => Promise<unknown>) {
  try {
    await create();
    return true;
  } catch (error) {
    if (isGrpcCode(error, GrpcCode.ALREADY_EXISTS)) {
      return false;
    }
    throw error;
  }
}
