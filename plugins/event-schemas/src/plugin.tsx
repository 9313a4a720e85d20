import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/event-schemas',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const eventSchemasPlugin = createFrontendPlugin({
  pluginId: 'event-schemas',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
