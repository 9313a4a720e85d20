import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CompatibilityCheck,
  CompatibilityImpact,
  EventType,
  EventTypeList,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import {
  EventSchemasApi,
  EventTypeChange,
  NewEventType,
  VersionRegistration,
} from './EventSchemasApi';

/** The registry's largest page. */
const PAGE_SIZE = 500;

/**
 * Talks to the registry backend with the user's credentials (the app's
 * fetchApi adds them).
 *
 * @public
 */
export class EventSchemasClient implements EventSchemasApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listEventTypes(): Promise<EventType[]> {
    const items: EventType[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) query.set('cursor', cursor);
      const page = await this.request<EventTypeList>(`/event-types?${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  getEventType(name: string): Promise<EventType> {
    return this.request(`/event-types/${encodeURIComponent(name)}`);
  }

  async listVersions(name: string): Promise<EventTypeVersion[]> {
    const body = await this.request<{ items: EventTypeVersion[] }>(
      `/event-types/${encodeURIComponent(name)}/versions`,
    );
    return body.items;
  }

  createEventType(request: NewEventType): Promise<EventType> {
    return this.request('/event-types', { method: 'POST', body: request });
  }

  updateEventType(name: string, change: EventTypeChange): Promise<EventType> {
    return this.request(`/event-types/${encodeURIComponent(name)}`, {
      method: 'PATCH',
      body: change,
    });
  }

  async registerVersion(
    name: string,
    schema: string,
  ): Promise<VersionRegistration> {
    const response = await this.send(
      `/event-types/${encodeURIComponent(name)}/versions`,
      { method: 'POST', body: { schema } },
    );
    if (response.status === 409) {
      const body = await response.clone().json();
      // An incompatible schema is a 409 with its reasons; any other
      // conflict is an error.
      if (body?.compatible === false && Array.isArray(body.messages)) {
        return { compatible: false, messages: body.messages };
      }
    }
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return {
      compatible: true,
      version: (await response.json()) as EventTypeVersion,
      created: response.status === 201,
    };
  }

  checkCompatibility(
    name: string,
    schema: string,
  ): Promise<CompatibilityCheck> {
    return this.request(
      `/event-types/${encodeURIComponent(name)}/compatibility`,
      { method: 'POST', body: { schema } },
    );
  }

  getVersionRemovalImpact(
    name: string,
    version: number,
  ): Promise<CompatibilityImpact> {
    return this.request(
      `/event-types/${encodeURIComponent(name)}/impact?version=${version}`,
    );
  }

  private async request<T>(
    path: string,
    init?: { method: string; body: unknown },
  ): Promise<T> {
    const response = await this.send(path, init);
    if (!response.ok) {
      // Carries the backend's error body (name, message) to the UI.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async send(
    path: string,
    init?: { method: string; body: unknown },
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('event-schemas');
    return this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      ...(init && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(init.body),
      }),
    });
  }
}
