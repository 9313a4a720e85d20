import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';

const METRIC_PREFIX = 'pubsub.googleapis.com/subscription/';
const OLDEST_UNACKED_AGE = `${METRIC_PREFIX}oldest_unacked_message_age`;
const UNDELIVERED = `${METRIC_PREFIX}num_undelivered_messages`;
const BACKLOG_BYTES = `${METRIC_PREFIX}backlog_bytes`;

/**
 * How far back to ask for points. Pub/Sub samples once a minute and
 * Monitoring shows points a few minutes late; older points are of no use.
 */
const LOOKBACK_MS = 10 * 60_000;

/**
 * Whatever can make authorised requests: `GoogleAuth` or an `AuthClient`
 * of google-auth-library (their `request` method).
 *
 * @public
 */
export type MonitoringAuth = {
  request<T = unknown>(options: {
    url: string;
    method?: 'GET';
    params?: Record<string, string>;
  }): Promise<{ data: T }>;
};

/** The newest Monitoring point of one metric. */
export type MetricPoint = {
  /** The end of the point's interval, in milliseconds since the epoch. */
  sampledAt: number;
  value: number;
};

/** What Monitoring last said about one subscription. */
export type SubscriptionSample = {
  /** Seconds since the oldest unacknowledged message was published. */
  oldestUnackedAge?: MetricPoint;
  undelivered?: MetricPoint;
  backlogBytes?: MetricPoint;
};

export type MetricsSnapshot = {
  /** When this process received the answer. */
  fetchedAt: number;
  /** By subscription id, for the subscriptions `accept` took. */
  subscriptions: Map<string, SubscriptionSample>;
};

export type SubscriptionMetricsOptions = {
  auth: MonitoringAuth;
  projectId: string;
  /** Default `https://monitoring.googleapis.com`. */
  endpoint?: string;
  /** Asks Monitoring only for subscriptions whose id starts with it. */
  subscriptionIdPrefix?: string;
  /** Which subscription ids are ours, of those Monitoring answers for. */
  accept(subscriptionId: string): boolean;
  /** How long an answer is reused; default 15 s. */
  cacheMs?: number;
  logger: LoggerService;
  now?: () => number;
};

type TimeSeriesPage = {
  timeSeries?: Array<{
    resource?: { labels?: Record<string, string> };
    points?: Array<{
      interval?: { endTime?: string };
      value?: { int64Value?: string; doubleValue?: number };
    }>;
  }>;
  nextPageToken?: string;
};

/**
 * Reads Pub/Sub's subscription metrics from Cloud Monitoring
 * (`projects.timeSeries.list`, one paged call per metric for every
 * subscription of the project, filtered to ours here), and caches the answer
 * for `cacheMs`. Concurrent readers share one request; when Monitoring fails
 * the previous answer stays in use (older samples only make the watermark
 * more cautious) and a warning is logged.
 */
export class SubscriptionMetrics {
  readonly #options: SubscriptionMetricsOptions;
  readonly #now: () => number;
  readonly #endpoint: string;
  #snapshot?: MetricsSnapshot;
  #refreshing?: Promise<MetricsSnapshot | undefined>;

  constructor(options: SubscriptionMetricsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#endpoint = (
      options.endpoint ?? 'https://monitoring.googleapis.com'
    ).replace(/\/+$/, '');
  }

  /** The last answer, without waiting: for the publish path. */
  current(): MetricsSnapshot | undefined {
    if (this.#isStale()) {
      this.get().catch(() => {});
    }
    return this.#snapshot;
  }

  /** A fresh enough answer, asking Monitoring if the cached one is stale. */
  async get(): Promise<MetricsSnapshot | undefined> {
    if (!this.#isStale()) {
      return this.#snapshot;
    }
    this.#refreshing ??= this.#fetch()
      .then(
        snapshot => {
          this.#snapshot = snapshot;
          return snapshot;
        },
        error => {
          this.#options.logger.warn(
            'Could not read Pub/Sub subscription metrics from Cloud Monitoring; the low watermark holds until it can',
            toError(error),
          );
          return this.#snapshot;
        },
      )
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  #isStale(): boolean {
    return (
      !this.#snapshot ||
      this.#now() - this.#snapshot.fetchedAt >=
        (this.#options.cacheMs ?? 15_000)
    );
  }

  async #fetch(): Promise<MetricsSnapshot> {
    const [ages, undelivered, bytes] = await Promise.all([
      this.#read(OLDEST_UNACKED_AGE),
      this.#read(UNDELIVERED),
      this.#read(BACKLOG_BYTES),
    ]);
    const subscriptions = new Map<string, SubscriptionSample>();
    const put = (
      points: Map<string, MetricPoint>,
      key: keyof SubscriptionSample,
    ) => {
      for (const [id, point] of points) {
        const sample = subscriptions.get(id) ?? {};
        sample[key] = point;
        subscriptions.set(id, sample);
      }
    };
    put(ages, 'oldestUnackedAge');
    put(undelivered, 'undelivered');
    put(bytes, 'backlogBytes');
    return { fetchedAt: this.#now(), subscriptions };
  }

  #filter(metricType: string): string {
    const prefix = this.#options.subscriptionIdPrefix;
    return [
      `metric.type = "${metricType}"`,
      'resource.type = "pubsub_subscription"',
      ...(prefix
        ? [
            `resource.labels.subscription_id = starts_with("${prefix.replace(
              /["\\]/g,
              c => `\\${c}`,
            )}")`,
          ]
        : []),
    ].join(' AND ');
  }

  /** The newest point of a metric per accepted subscription. */
  async #read(metricType: string): Promise<Map<string, MetricPoint>> {
    const { auth, projectId, accept } = this.#options;
    const end = this.#now();
    const newest = new Map<string, MetricPoint>();
    let pageToken: string | undefined;
    do {
      const { data } = await auth.request<TimeSeriesPage>({
        url: `${this.#endpoint}/v3/projects/${encodeURIComponent(
          projectId,
        )}/timeSeries`,
        method: 'GET',
        params: {
          filter: this.#filter(metricType),
          'interval.startTime': new Date(end - LOOKBACK_MS).toISOString(),
          'interval.endTime': new Date(end).toISOString(),
          ...(pageToken ? { pageToken } : {}),
        },
      });
      for (const series of data.timeSeries ?? []) {
        const id = series.resource?.labels?.subscription_id;
        if (!id || !accept(id)) continue;
        for (const point of series.points ?? []) {
          const sampledAt = Date.parse(point.interval?.endTime ?? '');
          const value = Number(
            point.value?.int64Value ?? point.value?.doubleValue,
          );
          if (Number.isNaN(sampledAt) || Number.isNaN(value)) continue;
          const known = newest.get(id);
          if (!known || sampledAt > known.sampledAt) {
            newest.set(id, { sampledAt, value });
          }
        }
      }
      pageToken = data.nextPageToken || undefined;
    } while (pageToken);
    return newest;
  }
}
