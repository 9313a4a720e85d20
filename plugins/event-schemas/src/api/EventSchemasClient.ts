import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EventTypeList,
  EventType,
} from '@internal/plugin-event-schemas-common';
import { EventSchemasApi } from './EventSchemasApi';

/**
 * Talks to the event-schemas backend through the app's fetch API, which adds
 * the signed-in user's credentials.
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
    const body = await this.get<EventTypeList>('/event-types');
    return body.items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('event-schemas');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      // Carries the backend's error body (name, message) to the UI.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
