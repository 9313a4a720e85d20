import { ResponseError } from '@backstage/errors';
import { DataSubjectErasure } from './personalData';
import {
  EventTypeHealth,
  EventTypeHealthList,
  FailedEventPage,
  PartitionList,
  PartitionPreview,
  PartitionState,
  RetentionDeletionList,
} from './types';

/**
 * Reads the delivery pipeline's HTTP API (`/api/delivery-pipeline`), in the
 * browser (with the app's discovery and fetch APIs, which add the user's
 * credentials) or in node.
 *
 * @public
 */
export class DeliveryPipelineClient {
  readonly #discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  /** Partitions overlapping `[from, to)`, oldest first per type. */
  listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    state?: PartitionState;
    limit?: number;
  }): Promise<PartitionList> {
    return this.#get('/partitions', filter);
  }

  /** Delivery health of a type over a window (default the last 24 hours). */
  getHealth(
    eventType: string,
    window: { from?: Date; to?: Date } = {},
  ): Promise<EventTypeHealth> {
    return this.#get(
      `/event-types/${encodeURIComponent(eventType)}/health`,
      window,
    );
  }

  /**
   * Delivery health of every type that has partitions in a window (default
   * the last 24 hours); a type that received nothing is not listed.
   */
  listHealth(
    window: { from?: Date; to?: Date } = {},
  ): Promise<EventTypeHealthList> {
    return this.#get('/event-types/health', window);
  }

  /** The first rows of a delivered partition. */
  previewPartition(
    eventType: string,
    start: string,
    options: { limit?: number } = {},
  ): Promise<PartitionPreview> {
    return this.#get(
      `/partitions/${encodeURIComponent(eventType)}/${encodeURIComponent(
        start,
      )}/preview`,
      options,
    );
  }

  /** Failed events (rejected by ingest, kept with the reason), newest first. */
  listFailedEvents(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    includeReplayed?: boolean;
    limit?: number;
    cursor?: string;
  }): Promise<FailedEventPage> {
    return this.#get('/failed-events', filter);
  }

  /**
   * Erases a person: deletes their keys (so their personal data is
   * unreadable in every stored copy) and their failed events. With
   * `suppress`, events about them are refused from now on.
   */
  eraseDataSubject(
    subject: string,
    options: { suppress?: boolean } = {},
  ): Promise<DataSubjectErasure> {
    return this.#request(
      'DELETE',
      `/data-subjects/${encodeURIComponent(subject)}`,
      { suppress: options.suppress ? true : undefined },
    );
  }

  /** What retention deleted, newest first. */
  listRetentionDeletions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    limit?: number;
    cursor?: string;
  }): Promise<RetentionDeletionList> {
    return this.#get('/retention/deletions', filter);
  }

  #get<T>(
    path: string,
    query: Record<string, string | number | boolean | Date | undefined>,
  ): Promise<T> {
    return this.#request('GET', path, query);
  }

  async #request<T>(
    method: 'GET' | 'DELETE',
    path: string,
    query: Record<string, string | number | boolean | Date | undefined>,
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('delivery-pipeline');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      params.set(
        key,
        value instanceof Date ? value.toISOString() : String(value),
      );
    }
    const search = params.toString();
    const response = await this.#fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      { method },
    );
    if (!response.ok) {
      // Carries the backend's error (name, message) to the caller.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
