import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import EventTypesIcon from '@material-ui/icons/FlashOn';
import { eventSchemasApiRef, EventSchemasClient } from './api';

/** The "Event types" page (new frontend system). */
export const eventTypesRouteRef = createRouteRef();

const eventSchemasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: eventSchemasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new EventSchemasClient(deps),
    }),
});

const eventTypesPage = PageBlueprint.make({
  params: {
    path: '/event-types',
    title: 'Event types',
    icon: <EventTypesIcon />,
    routeRef: eventTypesRouteRef,
    loader: () =>
      import('./components/EventTypesTable').then(m => (
        <Content>
          <m.EventTypesTable />
        </Content>
      )),
  },
});

/**
 * The event-schemas plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'event-schemas',
  title: 'Event types',
  icon: <EventTypesIcon />,
  extensions: [eventSchemasApi, eventTypesPage],
  routes: {
    root: eventTypesRouteRef,
  },
});
