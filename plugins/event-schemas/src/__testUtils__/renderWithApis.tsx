import { HttpResponse } from 'msw';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';
import {
  deliveryPipelineApiRef,
  eventSchemasApiRef,
  EventSchemasClient,
} from '../api';
import { SWRConfig } from 'swr';
import { rootRouteRef } from '../routes';

/** Where msw answers the plugins' backends in component tests. */
export const registryUrl = 'http://localhost:7007/api/event-schemas';
export const pipelineUrl = 'http://localhost:7007/api/delivery-pipeline';
export const catalogUrl = 'http://localhost:7007/api/catalog';

/**
 * Renders a component of the plugin in a test app with the real API clients,
 * talking HTTP to msw handlers at {@link registryUrl} and {@link pipelineUrl};
 * so a test covers URLs, response shapes and error handling, not only the
 * rendering. The plugin's page is mounted at `/event-types` and the catalog's
 * entity page at `/catalog/:namespace/:kind/:name`.
 */
export function renderWithApis(
  element: JSX.Element,
  options: {
    /** Whether the user may change event types (default: yes). */
    canEdit?: boolean;
    /** A route pattern for `useParams`, e.g. `/event-types/:name/:tab`. */
    mountPath?: string;
    initialRouteEntries?: string[];
    /** More API overrides, e.g. the catalog API. */
    apis?: readonly any[];
  } = {},
) {
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://localhost:7007' });
  const fetchApi = { fetch: (input: any, init?: any) => fetch(input, init) };
  // usePermission caches answers in swr's global cache; a cache per render
  // keeps one test's allow or deny out of the next.
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      apis: [
        [
          eventSchemasApiRef,
          new EventSchemasClient({ discoveryApi, fetchApi }),
        ],
        [
          deliveryPipelineApiRef,
          new DeliveryPipelineClient({ discoveryApi, fetchApi }),
        ],
        mockApis.permission({
          authorize:
            options.canEdit === false
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        }),
        ...(options.apis ?? []),
      ],
      mountedRoutes: {
        '/event-types': convertLegacyRouteRef(rootRouteRef),
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
      mountPath: options.mountPath,
      initialRouteEntries: options.initialRouteEntries,
    },
  );
}

/** A backend's error answer, as Backstage's error handler writes it. */
export function backendError(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}
