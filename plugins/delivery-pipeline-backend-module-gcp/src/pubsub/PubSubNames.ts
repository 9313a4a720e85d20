/**
 * Characters Pub/Sub allows in a topic or subscription id besides letters and
 * digits. `%` is allowed too but is kept for our escapes, so that decoding a
 * name is unambiguous.
 */
const PLAIN = /^[A-Za-z0-9\-_.~+]$/;

/** Pub/Sub's bounds on a resource id. */
const MIN_ID_LENGTH = 3;
const MAX_ID_LENGTH = 255;

/** Ends the subscription id of every event type's topic. */
const DELIVERY_SUFFIX = '.delivery';
/** Ends the subscription id that keeps dead letters for inspection. */
const KEPT_SUFFIX = '.kept';

/** @public */
export type PubSubNamesOptions = {
  projectId: string;
  /** Starts every event type's topic id, e.g. `events.`. */
  topicPrefix: string;
  /** The dead-letter topic's id, e.g. `events.dead-letter`. */
  deadLetterTopic: string;
};

/**
 * Names the Pub/Sub resources of the transport:
 *
 * - topic `<topicPrefix><eventType>` per event type, with the event type
 *   percent-encoded: every UTF-8 byte of a character other than a letter,
 *   digit or one of `-_.~+` becomes `%XX` (upper-case hex), `%` included.
 *   CloudEvents types such as `com.example.order.placed` stay readable.
 * - subscription `<topic id>.delivery`, the one the consumers pull from;
 * - the dead-letter topic, and its subscription `<dead-letter topic>.kept`
 *   that nobody pulls: it keeps dead letters (for the retention period) so
 *   that they can be inspected and replayed.
 *
 * Ids must be 3 to 255 characters, start with a letter and not with `goog`;
 * a name that breaks these rules is refused here rather than by Pub/Sub.
 *
 * @public
 */
export class PubSubNames {
  readonly projectId: string;
  readonly topicPrefix: string;
  readonly deadLetterTopicId: string;

  constructor(options: PubSubNamesOptions) {
    this.projectId = options.projectId;
    this.topicPrefix = options.topicPrefix;
    this.deadLetterTopicId = assertValidId(options.deadLetterTopic);
  }

  topicId(eventType: string): string {
    if (!eventType) {
      throw new TypeError('An event type is needed to name its topic');
    }
    const id = `${this.topicPrefix}${encodeEventType(eventType)}`;
    if (id === this.deadLetterTopicId) {
      throw new TypeError(
        `Event type ${eventType} would use the dead-letter topic ${id}`,
      );
    }
    // Room for the subscription's suffix.
    return assertValidId(id, MAX_ID_LENGTH - DELIVERY_SUFFIX.length);
  }

  subscriptionId(eventType: string): string {
    return `${this.topicId(eventType)}${DELIVERY_SUFFIX}`;
  }

  /** `projects/<p>/topics/<id>` of the event type. */
  topic(eventType: string): string {
    return this.#topicPath(this.topicId(eventType));
  }

  /** `projects/<p>/subscriptions/<id>` of the event type. */
  subscription(eventType: string): string {
    return this.#subscriptionPath(this.subscriptionId(eventType));
  }

  get deadLetterTopic(): string {
    return this.#topicPath(this.deadLetterTopicId);
  }

  get deadLetterSubscriptionId(): string {
    return assertValidId(`${this.deadLetterTopicId}${KEPT_SUFFIX}`);
  }

  get deadLetterSubscription(): string {
    return this.#subscriptionPath(this.deadLetterSubscriptionId);
  }

  /**
   * The event type whose delivery subscription has this id, or `undefined`
   * for any other subscription (e.g. another application's in the project).
   */
  eventTypeOfSubscription(subscriptionId: string): string | undefined {
    if (
      !subscriptionId.startsWith(this.topicPrefix) ||
      !subscriptionId.endsWith(DELIVERY_SUFFIX)
    ) {
      return undefined;
    }
    const encoded = subscriptionId.slice(
      this.topicPrefix.length,
      -DELIVERY_SUFFIX.length,
    );
    try {
      const eventType = decodeURIComponent(encoded);
      // Only names we could have made: not someone else's look-alike.
      return eventType && this.subscriptionId(eventType) === subscriptionId
        ? eventType
        : undefined;
    } catch {
      return undefined;
    }
  }

  #topicPath(id: string): string {
    return `projects/${this.projectId}/topics/${id}`;
  }

  #subscriptionPath(id: string): string {
    return `projects/${this.projectId}/subscriptions/${id}`;
  }
}

/** Percent-encodes what Pub/Sub ids do not allow (and `%` itself). */
export function encodeEventType(eventType: string): string {
  let encoded = '';
  for (const char of eventType) {
    if (PLAIN.test(char)) {
      encoded += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) {
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return encoded;
}

function assertValidId(id: string, maxLength = MAX_ID_LENGTH): string {
  if (id.length < MIN_ID_LENGTH || id.length > maxLength) {
    throw new TypeError(
      `Pub/Sub id ${id} must be ${MIN_ID_LENGTH} to ${maxLength} characters long`,
    );
  }
  if (!/^[A-Za-z]/.test(id) || /^goog/i.test(id)) {
    throw new TypeError(
      `Pub/Sub id ${id} must start with a letter and not with "goog"; choose another deliveryPipeline.gcp.pubsub.topicPrefix`,
    );
  }
  if (!/^[A-Za-z0-9\-_.~+%]+$/.test(id)) {
    throw new TypeError(
      `Pub/Sub id ${id} may only hold letters, digits and -_.~+%`,
    );
  }
  return id;
}
