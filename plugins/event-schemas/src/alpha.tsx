import {
  compatWrapper,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import { EVENT_TYPE_SEARCH_DOCUMENT_TYPE } from '@data-collection/plugin-event-schemas-common';
import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';
import EventTypesIcon from '@material-ui/icons/FlashOn';
import {
  deliveryPipelineApiRef,
  eventSchemasApiRef,
  EventSchemasClient,
} from './api';
import {
  isDatasetEntity,
  isEventTypeEntity,
} from './components/entity/filters';
import { isEventTypeSearchResult } from './components/EventTypeSearchResultListItem/isEventTypeSearchResult';
import { rootRouteRef } from './routes';

// One route ref for both frontend systems, so that the components' links
// (useRouteRef) resolve the same way in each.
const routes = convertLegacyRouteRefs({ root: rootRouteRef });

const eventSchemasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: eventSchemasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EventSchemasClient(deps),
    }),
});

const deliveryPipelineApi = ApiBlueprint.make({
  name: 'delivery-pipeline',
  params: defineParams =>
    defineParams({
      api: deliveryPipelineApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DeliveryPipelineClient(deps),
    }),
});

// The pages draw their own header (a type's page has its name and tabs).
// One page extension serves them all, the data subjects page included, so
// the app's sidebar keeps one item for the suite.
const eventTypesPage = PageBlueprint.make({
  params: {
    path: '/event-types',
    title: 'Event types',
    icon: <EventTypesIcon />,
    routeRef: routes.root,
    noHeader: true,
    loader: () =>
      import('./components/EventSchemasRouter').then(m =>
        compatWrapper(<m.EventSchemasRouter />),
      ),
  },
});

const eventTypeEntityCard = EntityCardBlueprint.make({
  name: 'event-type',
  params: {
    filter: isEventTypeEntity,
    loader: () =>
      import('./components/entity').then(m =>
        compatWrapper(<m.EventTypeEntityCard />),
      ),
  },
});

const eventTypeEntityContent = EntityContentBlueprint.make({
  name: 'event-type',
  params: {
    path: '/event-type',
    title: 'Event type',
    filter: isEventTypeEntity,
    loader: () =>
      import('./components/entity').then(m =>
        compatWrapper(<m.EventTypeEntityContent />),
      ),
  },
});

const datasetEntityCard = EntityCardBlueprint.make({
  name: 'dataset',
  params: {
    filter: isDatasetEntity,
    loader: () =>
      import('./components/entity').then(m =>
        compatWrapper(<m.DatasetEntityCard />),
      ),
  },
});

const datasetEntityContent = EntityContentBlueprint.make({
  name: 'dataset',
  params: {
    path: '/delivery',
    title: 'Delivery',
    filter: isDatasetEntity,
    loader: () =>
      import('./components/entity').then(m =>
        compatWrapper(<m.DatasetEntityContent />),
      ),
  },
});

// Event types in the search page: their result list item, and an entry in
// its result type filter. Both attach to `page:search` of
// @backstage/plugin-search/alpha.
const eventTypeSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    icon: <EventTypesIcon />,
    predicate: isEventTypeSearchResult,
    component: () =>
      import('./components/EventTypeSearchResultListItem').then(
        m => m.EventTypeSearchResultListItem,
      ),
  },
});

const eventTypeSearchResultType = SearchFilterResultTypeBlueprint.make({
  name: 'event-type',
  params: {
    value: EVENT_TYPE_SEARCH_DOCUMENT_TYPE,
    name: 'Event types',
    icon: <EventTypesIcon />,
  },
});

/**
 * The event-schemas plugin for the new frontend system: the page
 * `page:event-schemas` at `/event-types`, its APIs, and entity cards and
 * tabs for event type `API`s and dataset `Resource`s, and event types in the
 * search page (a result list item and a result type).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'event-schemas',
  title: 'Event types',
  icon: <EventTypesIcon />,
  extensions: [
    eventSchemasApi,
    deliveryPipelineApi,
    eventTypesPage,
    eventTypeEntityCard,
    eventTypeEntityContent,
    datasetEntityCard,
    datasetEntityContent,
    eventTypeSearchResultListItem,
    eventTypeSearchResultType,
  ],
  routes,
});
