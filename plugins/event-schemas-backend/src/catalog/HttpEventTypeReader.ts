import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EventType,
  EventTypeList,
  EventTypeVersion,
} from '@internal/plugin-event-schemas-common';
import { EventTypeReader } from './EventTypeEntityProvider';

/** The registry's plugin id, for discovery and service-to-service tokens. */
const REGISTRY_PLUGIN_ID = 'event-schemas';
/** The largest page the registry serves. */
const PAGE_SIZE = 500;

/**
 * Reads event types from the schema registry's HTTP API, as the catalog's own
 * service identity.
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

  async listEventTypes(): Promise<EventType[]> {
    const eventTypes: EventType[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) {
        query.set('cursor', cursor);
      }
      const page = await json<EventTypeList>(
        await this.#get(`/event-types?${query}`),
      );
      eventTypes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return eventTypes;
  }

  async getEventType(name: string): Promise<EventType | undefined> {
    const response = await this.#get(
      `/event-types/${encodeURIComponent(name)}`,
    );
    return response.status === 404 ? undefined : json<EventType>(response);
  }

  async getLatestVersion(name: string): Promise<EventTypeVersion | undefined> {
    const response = await this.#get(
      `/event-types/${encodeURIComponent(name)}/versions/latest`,
    );
    return response.status === 404
      ? undefined
      : json<EventTypeVersion>(response);
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
