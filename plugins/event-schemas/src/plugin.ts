import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  createSearchResultListItemExtension,
  SearchResultListItemExtensionProps,
} from '@backstage/plugin-search-react';
import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';
import {
  deliveryPipelineApiRef,
  eventSchemasApiRef,
  EventSchemasClient,
} from './api';
import type { EventTypeSearchResultListItemProps } from './components/EventTypeSearchResultListItem';
import { isEventTypeSearchResult } from './components/EventTypeSearchResultListItem/isEventTypeSearchResult';
import { rootRouteRef } from './routes';

/**
 * The event-schemas plugin for apps on the legacy frontend system
 * (`@backstage/core-plugin-api`); apps on the new frontend system use the
 * `/alpha` export instead.
 *
 * @public
 */
export const eventSchemasPlugin = createPlugin({
  id: 'event-schemas',
  apis: [
    createApiFactory({
      api: eventSchemasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EventSchemasClient(deps),
    }),
    createApiFactory({
      api: deliveryPipelineApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DeliveryPipelineClient(deps),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The plugin's pages: the event types, registering one, each type's page
 * with its tabs, the delivery overview and erasing a data subject, under
 * one path, e.g.
 * `<Route path="/event-types" element={<EventSchemasPage />} />`.
 *
 * @public
 */
export const EventSchemasPage = eventSchemasPlugin.provide(
  createRoutableExtension({
    name: 'EventSchemasPage',
    component: () =>
      import('./components/EventSchemasPage').then(m => m.EventSchemasPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * A card for the overview of an `API` entity that is an event type: its
 * latest version, compatibility mode and delivery health.
 *
 * @public
 */
export const EntityEventTypeCard = eventSchemasPlugin.provide(
  createComponentExtension({
    name: 'EntityEventTypeCard',
    component: {
      lazy: () =>
        import('./components/entity').then(m => m.EventTypeEntityCard),
    },
  }),
);

/**
 * A tab for an `API` entity that is an event type: its schema, versions and
 * delivery.
 *
 * @public
 */
export const EntityEventTypeContent = eventSchemasPlugin.provide(
  createComponentExtension({
    name: 'EntityEventTypeContent',
    component: {
      lazy: () =>
        import('./components/entity').then(m => m.EventTypeEntityContent),
    },
  }),
);

/**
 * A card for the overview of a dataset `Resource`: freshness, retention and
 * where to query it.
 *
 * @public
 */
export const EntityDatasetCard = eventSchemasPlugin.provide(
  createComponentExtension({
    name: 'EntityDatasetCard',
    component: {
      lazy: () => import('./components/entity').then(m => m.DatasetEntityCard),
    },
  }),
);

/**
 * A tab for a dataset `Resource`: its partitions, their delivery and
 * lateness, and what retention deleted.
 *
 * @public
 */
export const EntityDatasetContent = eventSchemasPlugin.provide(
  createComponentExtension({
    name: 'EntityDatasetContent',
    component: {
      lazy: () =>
        import('./components/entity').then(m => m.DatasetEntityContent),
    },
  }),
);

/**
 * An event type in the portal's search results (documents of type
 * `event-type`, from `@data-collection/plugin-search-backend-module-event-schemas`):
 * title, name, description, owner, format and latest version. Put it among
 * the search page's result list items, e.g.
 * `<SearchResult><EventTypeSearchResultListItem /></SearchResult>`; it
 * renders only event-type results.
 *
 * @public
 */
export const EventTypeSearchResultListItem: (
  props: SearchResultListItemExtensionProps<EventTypeSearchResultListItemProps>,
) => JSX.Element | null = eventSchemasPlugin.provide(
  createSearchResultListItemExtension({
    name: 'EventTypeSearchResultListItem',
    component: () =>
      import('./components/EventTypeSearchResultListItem').then(
        m => m.EventTypeSearchResultListItem,
      ),
    predicate: isEventTypeSearchResult,
  }),
);
