import { createApiRef } from '@backstage/core-plugin-api';
import { EventType } from '@internal/plugin-event-schemas-common';

/** The registry's HTTP API (`/api/event-schemas`) as the frontend sees it. */
export interface EventSchemasApi {
  listEventTypes(): Promise<EventType[]>;
}

/**
 * Reference to the {@link EventSchemasApi}, usable in both frontend systems.
 *
 * @public
 */
export const eventSchemasApiRef = createApiRef<EventSchemasApi>({
  id: 'plugin.event-schemas.api',
});
