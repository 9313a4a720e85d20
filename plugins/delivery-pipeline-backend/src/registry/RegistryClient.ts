import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EventType,
  EventTypeList,
  EventTypeVersion,
} from '@internal/plugin-event-schemas-common';

/** The registry's plugin id, for discovery and service-to-service tokens. */
const REGISTRY_PLUGIN_ID = 'event-schemas';
/** The largest page the registry serves. */
const PAGE_SIZE = 500;

/** What the pipeline reads from the schema registry. */
export interface RegistryClient {
  /** `undefined` when no such type is registered (or it was deleted). */
  getEventType(name: string): Promise<EventType | undefined>;
  /** `undefined` when the type or the version does not exist. */
  getVersion(
    name: string,
    version: number,
  ): Promise<EventTypeVersion | undefined>;
}

/**
 * Reads the schema registry's HTTP API as the pipeline's own service
 * identity, so the registry's permission checks see a service principal.
 */
export class HttpRegistryClient implements RegistryClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  async getEventType(name: string): Promise<EventType | undefined> {
    return this.#get(`/event-types/${encodeURIComponent(name)}`);
  }

  async getVersion(
    name: string,
    version: number,
  ): Promise<EventTypeVersion | undefined> {
    return this.#get(
      `/event-types/${encodeURIComponent(name)}/versions/${version}`,
    );
  }

  /** Every registered event type, across all pages of `GET /event-types`. */
  async listEventTypes(): Promise<EventType[]> {
    const eventTypes: EventType[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) {
        query.set('cursor', cursor);
      }
      const page = await this.#get<EventTypeList>(`/event-types?${query}`);
      if (!page) {
        throw new Error(
          `The schema registry answered 404 to GET /event-types; is the ${REGISTRY_PLUGIN_ID} plugin installed?`,
        );
      }
      eventTypes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return eventTypes;
  }

  async #get<T>(path: string): Promise<T | undefined> {
    const baseUrl = await this.#discovery.getBaseUrl(REGISTRY_PLUGIN_ID);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: REGISTRY_PLUGIN_ID,
    });
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
