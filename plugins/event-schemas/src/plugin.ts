import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { eventSchemasApiRef, EventSchemasClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The event-schemas plugin for apps on the legacy frontend system. Apps on
 * the new frontend system use the `/alpha` export instead.
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
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The "Event types" page: mount it on a route, e.g. `/event-types`.
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
