import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EventType,
  EventTypeList,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeReader } from './EventTypeReader';

/** The registry's plugin id, for discovery and service-to-service tokens. */
const REGISTRY_PLUGIN_ID = 'event-schemas';
/** The largest page the registry serves. */
const PAGE_SIZE = 500;

/**
 * Reads event types from the schema registry's HTTP API, as the calling
 * plugin's own service identity (so the registry's permission checks see a
 * service principal). For backend plugins and modules other than the
 * registry: the catalog's entity providers, the delivery pipeline.
 *
 * @public
 */
export class HttpEventTypeReader implements EventTypeReader {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  /** Every registered event type, page by page. */
  async listEventTypes(): Promise<EventType[]> {
    const eventTypes: EventType[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) {
        query.set('cursor', cursor);
      }
      const response = await this.#get(`/event-types?${query}`);
      if (response.status === 404) {
        throw new Error(
          `The schema registry answered 404 to GET /event-types; is the ${REGISTRY_PLUGIN_ID} plugin installed?`,
        );
      }
      const page = await json<EventTypeList>(response);
      eventTypes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return eventTypes;
  }

  /** `undefined` when no such type is registered (or it was deleted). */
  async getEventType(name: string): Promise<EventType | undefined> {
    return this.#getOptional(`/event-types/${encodeURIComponent(name)}`);
  }

  /** `undefined` when the type or the version does not exist. */
  async getVersion(
    name: string,
    version: number | 'latest',
  ): Promise<EventTypeVersion | undefined> {
    return this.#getOptional(
      `/event-types/${encodeURIComponent(name)}/versions/${version}`,
    );
  }

  /** `undefined` when the type does not exist. */
  async getLatestVersion(name: string): Promise<EventTypeVersion | undefined> {
    return this.getVersion(name, 'latest');
  }

  async #getOptional<T>(path: string): Promise<T | undefined> {
    const response = await this.#get(path);
    return response.status === 404 ? undefined : json<T>(response);
  }

  async #get(path: string): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl(REGISTRY_PLUGIN_ID);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: REGISTRY_PLUGIN_ID,
    });
    return fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  }
}

/** The parsed body of a successful response. */
async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return (await response.json()) as T;
}
