import { randomUUID } from 'node:crypto';
import { http, HttpHandler, HttpResponse } from 'msw';
import { googleErrorResponse } from './googleError';

/**
 * The RPCs the fake answers, named as in the Pub/Sub and Monitoring APIs;
 * fault injection matches on them.
 */
export type FakePubSubRpc =
  | 'createTopic'
  | 'getTopic'
  | 'deleteTopic'
  | 'publish'
  | 'createSubscription'
  | 'getSubscription'
  | 'deleteSubscription'
  | 'pull'
  | 'acknowledge'
  | 'modifyAckDeadline'
  | 'listTimeSeries';

/** One call to the fake, as a front end decoded it. */
export type FakePubSubRequest = {
  rpc: FakePubSubRpc;
  project: string;
  /** The topic or subscription id; empty for Monitoring. */
  id: string;
  /** The full resource name, `projects/<project>/topics/<id>`. */
  name: string;
  /** The request message in proto3's JSON mapping (the REST body). */
  body?: any;
};

/**
 * The fake's answer: the response message in proto3's JSON mapping, or an
 * error by its HTTP status (which the gRPC front end maps to a gRPC code).
 */
export type FakePubSubAnswer =
  | { body: object }
  | { error: { status: number; message: string } };

/** A fault {@link FakePubSub.failNext} injects. */
export type FakePubSubFault = {
  /**
   * HTTP status of the error answer: 429 (RESOURCE_EXHAUSTED, a quota),
   * 500 (INTERNAL), 503 (UNAVAILABLE), 404, 409, ...; the gRPC front end
   * answers the gRPC code of the same name. Without it the call succeeds,
   * after `delayMs`.
   */
  status?: number;
  /** How many matching calls fail; default 1. */
  times?: number;
  /**
   * Waits this long before answering, e.g. longer than the client's timeout.
   * A delayed success still takes effect (as a request the server got but
   * answered too late does).
   */
  delayMs?: number;
  /** Only calls on this resource: a topic or subscription id. */
  resource?: string;
};

/** A message as one subscription holds it. */
type HeldMessage = {
  messageId: string;
  /** Base64, as the REST API carries it. */
  data: string;
  attributes: Record<string, string>;
  publishTime: number;
  /** How often it was delivered. */
  deliveries: number;
  ackId?: string;
  /** While set and in the future, the message is leased to a puller. */
  leaseExpiresAt?: number;
  /** Not offered before this (the subscription's retry policy). */
  availableAt: number;
};

type FakeSubscription = {
  name: string;
  topic: string;
  ackDeadlineSeconds: number;
  messageRetentionDuration: string;
  deadLetterPolicy?: { deadLetterTopic: string; maxDeliveryAttempts: number };
  retryPolicy?: { minimumBackoff?: string; maximumBackoff?: string };
  expirationPolicy?: { ttl?: string };
  messages: Map<string, HeldMessage>;
};

/** One Monitoring sample of a subscription. */
type MetricSample = {
  time: number;
  subscriptionId: string;
  oldestUnackedAgeSeconds: number;
  undelivered: number;
  backlogBytes: number;
};

const METRICS = {
  'pubsub.googleapis.com/subscription/oldest_unacked_message_age': (
    s: MetricSample,
  ) => s.oldestUnackedAgeSeconds,
  'pubsub.googleapis.com/subscription/num_undelivered_messages': (
    s: MetricSample,
  ) => s.undelivered,
  'pubsub.googleapis.com/subscription/backlog_bytes': (s: MetricSample) =>
    s.backlogBytes,
} as const;

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

/**
 * A stateful fake of the Pub/Sub API v1 (the subset the transport uses)
 * and of Cloud Monitoring's `timeSeries.list` for Pub/Sub's subscription
 * metrics. One model, two front ends: REST as msw handlers that match on the
 * path only (any host, so they also serve plain HTTP on another endpoint
 * through `serveHandlers`), and gRPC through `FakePubSubGrpcServer`
 * (fakePubSubGrpc.ts), which hands its calls to {@link FakePubSub.call}.
 *
 * Modelled: topics and subscriptions (create, get, delete; 409
 * ALREADY_EXISTS, 404 NOT_FOUND with Google's error bodies, or the gRPC codes
 * of the same names); publish to every
 * subscription of the topic that exists at publish time; pull (oldest first,
 * up to `maxMessages`), leases from the ack deadline, `modifyAckDeadline`
 * (0 nacks), acknowledge (unknown or stale ack ids are ignored, as Pub/Sub
 * does without exactly-once delivery); a lease that ends unacknowledged
 * (expiry or nack) makes the message available again after the retry
 * policy's backoff, or, with a dead-letter policy and `maxDeliveryAttempts`
 * deliveries done, forwards it to the dead-letter topic with the
 * `CloudPubSubDeadLetterSource*` attributes. `deliveryAttempt` is reported
 * only on subscriptions with a dead-letter policy.
 *
 * Not modelled: message retention expiry, ordering keys, filters, push,
 * exactly-once delivery, schemas, IAM (the Pub/Sub service account's right to
 * forward dead letters is assumed).
 *
 * Monitoring points exist only when a test takes them ({@link sampleMetrics}),
 * so a test decides how late Monitoring is, or with `sampleOnRead` at every
 * read (no delay).
 */
export class FakePubSub {
  readonly topics = new Map<string, { name: string }>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  /** Every call, in order, e.g. to count admin calls. */
  readonly calls: Array<{ rpc: FakePubSubRpc; resource: string }> = [];
  readonly #samples: MetricSample[] = [];
  readonly #faults: Array<{ rpc: FakePubSubRpc } & FakePubSubFault> = [];
  readonly #ackIds = new Map<
    string,
    { subscription: string; messageId: string }
  >();
  #nextMessageId = 1;
  readonly #now: () => number;
  readonly #monitoringPageSize: number;
  readonly #sampleOnRead: boolean;

  constructor(
    options: {
      /** The fake's clock; tests move it to expire leases. */
      now?: () => number;
      /** Series per Monitoring page, to exercise paging. */
      monitoringPageSize?: number;
      /**
       * Takes a sample before answering each `timeSeries.list`: Monitoring
       * without its delay, for tests of the whole pipeline that do not
       * model it.
       */
      sampleOnRead?: boolean;
    } = {},
  ) {
    this.#sampleOnRead = options.sampleOnRead ?? false;
    this.#now = options.now ?? Date.now;
    this.#monitoringPageSize = options.monitoringPageSize ?? 1000;
  }

  /** Makes the next matching calls fail or answer late. */
  failNext(rpc: FakePubSubRpc, fault: FakePubSubFault): void {
    this.#faults.push({ rpc, ...fault, times: fault.times ?? 1 });
  }

  /** Drops the faults not yet used. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /**
   * Takes a Monitoring sample of every subscription now, as Monitoring does
   * once a minute; `timeSeries.list` answers with the samples taken so far.
   */
  sampleMetrics(at = this.#now()): void {
    for (const subscription of this.subscriptions.values()) {
      this.#settle(subscription);
      const held = [...subscription.messages.values()];
      const oldest = Math.min(...held.map(m => m.publishTime));
      this.#samples.push({
        time: at,
        subscriptionId: idOf(subscription.name),
        oldestUnackedAgeSeconds: held.length
          ? Math.max(0, Math.floor((at - oldest) / 1000))
          : 0,
        undelivered: held.length,
        backlogBytes: held.reduce((sum, m) => sum + sizeOf(m), 0),
      });
    }
  }

  /** Messages a subscription holds (not yet acknowledged), oldest first. */
  held(subscriptionId: string): Array<{
    data: string;
    attributes: Record<string, string>;
    deliveries: number;
  }> {
    const subscription = this.subscriptions.get(
      this.#subscriptionName(subscriptionId),
    );
    if (!subscription) return [];
    this.#settle(subscription);
    return [...subscription.messages.values()]
      .sort((a, b) => a.publishTime - b.publishTime)
      .map(m => ({
        data: Buffer.from(m.data, 'base64').toString('utf8'),
        attributes: m.attributes,
        deliveries: m.deliveries,
      }));
  }

  /**
   * The REST front end and Monitoring's, as msw handlers; with
   * `monitoringOnly`, Monitoring's alone (for clients on gRPC, so that a
   * REST call is an unhandled request).
   */
  handlers(options: { monitoringOnly?: boolean } = {}): HttpHandler[] {
    return [
      http.all('*', async ({ request }) => {
        const url = new URL(request.url);
        const route = this.#route(request.method, url.pathname);
        if (
          !route ||
          (options.monitoringOnly && route.rpc !== 'listTimeSeries')
        ) {
          // Someone else's request (another fake's): let msw go on.
          return undefined;
        }
        if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
          return googleErrorResponse(
            401,
            'Request had invalid authentication credentials.',
          );
        }
        const body =
          request.method === 'POST' || request.method === 'PUT'
            ? ((await request.json().catch(() => ({}))) as any)
            : {};
        const answer = await this.call({ ...route, body }, url.searchParams);
        return 'error' in answer
          ? googleErrorResponse(answer.error.status, answer.error.message)
          : HttpResponse.json(answer.body);
      }),
    ];
  }

  /**
   * Answers one call, whichever front end (REST or gRPC) carries it: the
   * request body and the answer are the REST API's JSON (proto3's JSON
   * mapping of the same messages).
   */
  async call(
    request: FakePubSubRequest,
    params: URLSearchParams = new URLSearchParams(),
  ): Promise<FakePubSubAnswer> {
    this.calls.push({ rpc: request.rpc, resource: request.id });
    const fault = this.#takeFault(request.rpc, request.id);
    if (fault?.delayMs) {
      await new Promise(resolve => setTimeout(resolve, fault.delayMs));
    }
    if (fault?.status) {
      return failure(
        fault.status,
        fault.status === 429
          ? `Quota exceeded for quota metric '${request.rpc} requests' and limit '${request.rpc} requests per minute' of service 'pubsub.googleapis.com'.`
          : `The service is currently unavailable (injected ${fault.status}).`,
      );
    }
    return this.#answer(request, request.body ?? {}, params);
  }

  #route(method: string, pathname: string): FakePubSubRequest | undefined {
    const monitoring = pathname.match(/\/v3\/projects\/([^/]+)\/timeSeries$/);
    if (monitoring && method === 'GET') {
      return {
        rpc: 'listTimeSeries',
        project: monitoring[1],
        id: '',
        name: '',
      };
    }
    const match = pathname.match(
      /\/v1\/projects\/([^/]+)\/(topics|subscriptions)\/([^/:]+)(?::(\w+))?$/,
    );
    if (!match) return undefined;
    const [, project, collection, rawId, verb] = match;
    const id = decodeURIComponent(rawId);
    const name = `projects/${project}/${collection}/${id}`;
    const rpc = ((): FakePubSubRpc | undefined => {
      if (collection === 'topics') {
        if (verb === 'publish' && method === 'POST') return 'publish';
        if (verb) return undefined;
        return (
          {
            PUT: 'createTopic',
            GET: 'getTopic',
            DELETE: 'deleteTopic',
          } as const
        )[method as 'PUT'];
      }
      if (verb && method === 'POST') {
        return (
          {
            pull: 'pull',
            acknowledge: 'acknowledge',
            modifyAckDeadline: 'modifyAckDeadline',
          } as const
        )[verb as 'pull'];
      }
      if (verb) return undefined;
      return (
        {
          PUT: 'createSubscription',
          GET: 'getSubscription',
          DELETE: 'deleteSubscription',
        } as const
      )[method as 'PUT'];
    })();
    return rpc && { rpc, project, id, name };
  }

  #takeFault(rpc: FakePubSubRpc, id: string) {
    const index = this.#faults.findIndex(
      f => f.rpc === rpc && (f.resource === undefined || f.resource === id),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #answer(
    route: FakePubSubRequest,
    body: any,
    params: URLSearchParams,
  ): FakePubSubAnswer {
    const { name } = route;
    switch (route.rpc) {
      case 'createTopic': {
        if (!ID_PATTERN.test(route.id) || /^goog/i.test(route.id)) {
          return failure(400, `Invalid [topics] name: (name=${name})`);
        }
        if (this.topics.has(name)) {
          return failure(
            409,
            `Resource already exists in the project (resource=${route.id}).`,
          );
        }
        this.topics.set(name, { name });
        return ok({ name });
      }
      case 'getTopic':
        return this.topics.has(name) ? ok({ name }) : notFound(route.id);
      case 'deleteTopic':
        if (!this.topics.delete(name)) return notFound(route.id);
        for (const subscription of this.subscriptions.values()) {
          if (subscription.topic === name) {
            subscription.topic = '_deleted-topic_';
          }
        }
        return ok({});
      case 'publish':
        return this.#publish(name, route.id, body);
      case 'createSubscription':
        return this.#createSubscription(name, route.id, body);
      case 'getSubscription': {
        const subscription = this.subscriptions.get(name);
        return subscription ? ok(describe(subscription)) : notFound(route.id);
      }
      case 'deleteSubscription':
        return this.subscriptions.delete(name) ? ok({}) : notFound(route.id);
      case 'pull':
        return this.#pull(name, route.id, body);
      case 'acknowledge':
      case 'modifyAckDeadline':
        return this.#settleAckIds(route.rpc, name, route.id, body);
      case 'listTimeSeries':
        return this.#listTimeSeries(route.project, params);
      default: {
        // Every RPC the front ends decode is served: the compiler checks it.
        const unserved: never = route.rpc;
        throw new Error(`The fake Pub/Sub does not serve ${unserved}`);
      }
    }
  }

  #publish(name: string, id: string, body: any): FakePubSubAnswer {
    if (!this.topics.has(name)) {
      return notFound(id);
    }
    const messages: Array<{
      data?: string;
      attributes?: Record<string, string>;
    }> = body.messages ?? [];
    if (messages.length === 0) {
      return failure(400, 'The value for message_count is too small.');
    }
    if (messages.length > 1000) {
      return failure(
        400,
        `The value for message_count is too large. You passed ${messages.length} in the request, but the maximum value is 1000.`,
      );
    }
    const messageIds = messages.map(message =>
      this.#deliverToTopic(name, message.data ?? '', message.attributes ?? {}),
    );
    return ok({ messageIds });
  }

  #deliverToTopic(
    topic: string,
    data: string,
    attributes: Record<string, string>,
  ): string {
    const messageId = String(this.#nextMessageId++);
    const now = this.#now();
    for (const subscription of this.subscriptions.values()) {
      if (subscription.topic === topic) {
        subscription.messages.set(messageId, {
          messageId,
          data,
          attributes: { ...attributes },
          publishTime: now,
          deliveries: 0,
          availableAt: now,
        });
      }
    }
    return messageId;
  }

  #createSubscription(name: string, id: string, body: any): FakePubSubAnswer {
    if (!ID_PATTERN.test(id) || /^goog/i.test(id)) {
      return failure(400, `Invalid [subscriptions] name: (name=${name})`);
    }
    if (this.subscriptions.has(name)) {
      return failure(
        409,
        `Resource already exists in the project (resource=${id}).`,
      );
    }
    if (!this.topics.has(body.topic)) {
      return notFound(idOf(body.topic ?? ''));
    }
    const ackDeadlineSeconds = body.ackDeadlineSeconds || 10;
    if (ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
      return failure(
        400,
        `Invalid ack deadline given: ${ackDeadlineSeconds}. Ack deadline must be between 10 and 600 seconds.`,
      );
    }
    const policy = body.deadLetterPolicy;
    if (policy) {
      const attempts = policy.maxDeliveryAttempts || 5;
      if (attempts < 5 || attempts > 100) {
        return failure(
          400,
          'Invalid max_delivery_attempts: must be between 5 and 100.',
        );
      }
      if (!this.topics.has(policy.deadLetterTopic)) {
        return notFound(idOf(policy.deadLetterTopic ?? ''));
      }
    }
    const subscription: FakeSubscription = {
      name,
      topic: body.topic,
      ackDeadlineSeconds,
      messageRetentionDuration: body.messageRetentionDuration ?? '604800s',
      deadLetterPolicy: policy && {
        deadLetterTopic: policy.deadLetterTopic,
        maxDeliveryAttempts: policy.maxDeliveryAttempts || 5,
      },
      retryPolicy: body.retryPolicy,
      expirationPolicy: body.expirationPolicy ?? { ttl: '2678400s' },
      messages: new Map(),
    };
    this.subscriptions.set(name, subscription);
    return ok(describe(subscription));
  }

  #pull(name: string, id: string, body: any): FakePubSubAnswer {
    const subscription = this.subscriptions.get(name);
    if (!subscription) return notFound(id);
    const maxMessages = Number(body.maxMessages ?? 0);
    if (maxMessages <= 0) {
      return failure(400, 'max_messages must be greater than 0.');
    }
    this.#settle(subscription);
    const now = this.#now();
    const offered = [...subscription.messages.values()]
      .filter(m => m.leaseExpiresAt === undefined && m.availableAt <= now)
      .sort((a, b) => a.publishTime - b.publishTime)
      .slice(0, maxMessages);
    const receivedMessages = offered.map(message => {
      message.deliveries += 1;
      if (message.ackId) this.#ackIds.delete(message.ackId);
      message.ackId = randomUUID();
      message.leaseExpiresAt = now + subscription.ackDeadlineSeconds * 1000;
      this.#ackIds.set(message.ackId, {
        subscription: name,
        messageId: message.messageId,
      });
      return {
        ackId: message.ackId,
        message: {
          data: message.data,
          attributes: message.attributes,
          messageId: message.messageId,
          publishTime: new Date(message.publishTime).toISOString(),
        },
        ...(subscription.deadLetterPolicy
          ? { deliveryAttempt: message.deliveries }
          : {}),
      };
    });
    return ok(receivedMessages.length ? { receivedMessages } : {});
  }

  #settleAckIds(
    rpc: 'acknowledge' | 'modifyAckDeadline',
    name: string,
    id: string,
    body: any,
  ): FakePubSubAnswer {
    const subscription = this.subscriptions.get(name);
    if (!subscription) return notFound(id);
    const ackIds: string[] = body.ackIds ?? [];
    if (ackIds.length === 0) {
      return failure(400, 'No ack ids specified.');
    }
    const deadline = Number(body.ackDeadlineSeconds ?? 0);
    if (rpc === 'modifyAckDeadline' && (deadline < 0 || deadline > 600)) {
      return failure(
        400,
        `Invalid ack deadline given: ${deadline}. Ack deadline must be between 0 and 600 seconds.`,
      );
    }
    this.#settle(subscription);
    const now = this.#now();
    for (const ackId of ackIds) {
      const target = this.#ackIds.get(ackId);
      const message =
        target?.subscription === name
          ? subscription.messages.get(target.messageId)
          : undefined;
      if (!message || message.ackId !== ackId) {
        continue; // Stale or unknown: ignored, as without exactly-once delivery.
      }
      if (rpc === 'acknowledge') {
        subscription.messages.delete(message.messageId);
        this.#ackIds.delete(ackId);
      } else if (deadline === 0) {
        message.leaseExpiresAt = now;
        this.#endLease(subscription, message, now);
      } else {
        message.leaseExpiresAt = now + deadline * 1000;
      }
    }
    return ok({});
  }

  /** Ends the leases that expired by now. */
  #settle(subscription: FakeSubscription): void {
    const now = this.#now();
    for (const message of [...subscription.messages.values()]) {
      if (
        message.leaseExpiresAt !== undefined &&
        message.leaseExpiresAt <= now
      ) {
        this.#endLease(subscription, message, message.leaseExpiresAt);
      }
    }
  }

  /** A delivery that ended unacknowledged: redeliver or dead-letter. */
  #endLease(
    subscription: FakeSubscription,
    message: HeldMessage,
    endedAt: number,
  ): void {
    message.leaseExpiresAt = undefined;
    const policy = subscription.deadLetterPolicy;
    if (policy && message.deliveries >= policy.maxDeliveryAttempts) {
      subscription.messages.delete(message.messageId);
      if (message.ackId) this.#ackIds.delete(message.ackId);
      this.#deliverToTopic(policy.deadLetterTopic, message.data, {
        ...message.attributes,
        CloudPubSubDeadLetterSourceDeliveryCount: String(message.deliveries),
        CloudPubSubDeadLetterSourceSubscription: idOf(subscription.name),
        CloudPubSubDeadLetterSourceSubscriptionProject:
          subscription.name.split('/')[1],
        CloudPubSubDeadLetterSourceTopicPublishTime: new Date(
          message.publishTime,
        ).toISOString(),
      });
      return;
    }
    const min = seconds(subscription.retryPolicy?.minimumBackoff ?? '0s');
    const max = seconds(subscription.retryPolicy?.maximumBackoff ?? '600s');
    const backoff = subscription.retryPolicy
      ? Math.min(max, min * 2 ** Math.max(0, message.deliveries - 1))
      : 0;
    message.availableAt = endedAt + backoff * 1000;
  }

  #listTimeSeries(project: string, params: URLSearchParams): FakePubSubAnswer {
    const filter = params.get('filter') ?? '';
    const metricType = filter.match(/metric\.type\s*=\s*"([^"]+)"/)?.[1];
    const start = Date.parse(params.get('interval.startTime') ?? '');
    const end = Date.parse(params.get('interval.endTime') ?? '');
    if (!metricType || Number.isNaN(end)) {
      return failure(400, 'Field filter and interval.endTime are required.');
    }
    if (this.#sampleOnRead) {
      // At the end of the asked interval, which the caller's clock set.
      this.sampleMetrics(Math.min(end, this.#now()));
    }
    const prefix = filter
      .match(
        /resource\.labels\.subscription_id\s*=\s*starts_with\("((?:[^"\\]|\\.)*)"\)/,
      )?.[1]
      ?.replace(/\\(.)/g, '$1');
    const value = (METRICS as Record<string, (s: MetricSample) => number>)[
      metricType
    ] as ((s: MetricSample) => number) | undefined;
    const bySubscription = new Map<string, MetricSample[]>();
    if (value && /resource\.type\s*=\s*"pubsub_subscription"/.test(filter)) {
      for (const sample of this.#samples) {
        if (sample.time > end || (!Number.isNaN(start) && sample.time < start))
          continue;
        if (prefix !== undefined && !sample.subscriptionId.startsWith(prefix))
          continue;
        const list = bySubscription.get(sample.subscriptionId) ?? [];
        list.push(sample);
        bySubscription.set(sample.subscriptionId, list);
      }
    }
    const all = [...bySubscription.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subscriptionId, samples]) => ({
        metric: { type: metricType, labels: {} },
        resource: {
          type: 'pubsub_subscription',
          labels: { project_id: project, subscription_id: subscriptionId },
        },
        metricKind: 'GAUGE',
        valueType: 'INT64',
        // Newest first, as Monitoring answers.
        points: samples
          .sort((a, b) => b.time - a.time)
          .map(sample => ({
            interval: {
              startTime: new Date(sample.time).toISOString(),
              endTime: new Date(sample.time).toISOString(),
            },
            value: { int64Value: String(value!(sample)) },
          })),
      }));
    const offset = Number(params.get('pageToken') || 0);
    const pageSize = Math.min(
      Number(params.get('pageSize') || this.#monitoringPageSize),
      this.#monitoringPageSize,
    );
    const page = all.slice(offset, offset + pageSize);
    const next =
      offset + pageSize < all.length ? String(offset + pageSize) : '';
    return ok({
      ...(page.length ? { timeSeries: page } : {}),
      ...(next ? { nextPageToken: next } : {}),
      unit: unitOf(metricType),
    });
  }

  #subscriptionName(id: string): string {
    if (id.startsWith('projects/')) return id;
    const any = [...this.subscriptions.keys()].find(name => idOf(name) === id);
    return any ?? id;
  }
}

function describe(subscription: FakeSubscription) {
  return {
    name: subscription.name,
    topic: subscription.topic,
    pushConfig: {},
    ackDeadlineSeconds: subscription.ackDeadlineSeconds,
    messageRetentionDuration: subscription.messageRetentionDuration,
    expirationPolicy: subscription.expirationPolicy,
    ...(subscription.deadLetterPolicy
      ? { deadLetterPolicy: subscription.deadLetterPolicy }
      : {}),
    ...(subscription.retryPolicy
      ? { retryPolicy: subscription.retryPolicy }
      : {}),
    state: 1,
  };
}

function unitOf(metricType: string): string {
  if (metricType.endsWith('age')) return 's';
  if (metricType.endsWith('bytes')) return 'By';
  return '1';
}

function sizeOf(message: HeldMessage): number {
  let size = Buffer.from(message.data, 'base64').length;
  for (const [key, value] of Object.entries(message.attributes)) {
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  return size;
}

function idOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** `"12.5s"` (a protobuf Duration in JSON) in seconds. */
function seconds(duration: string): number {
  return Number(duration.replace(/s$/, '')) || 0;
}

function notFound(id: string): FakePubSubAnswer {
  return failure(404, `Resource not found (resource=${id}).`);
}

function ok(body: object): FakePubSubAnswer {
  return { body };
}

function failure(status: number, message: string): FakePubSubAnswer {
  return { error: { status, message } };
}
