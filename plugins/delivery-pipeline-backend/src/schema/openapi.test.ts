import { mockServices } from '@backstage/backend-test-utils';
import { createRouter } from '../service/router';
import { spec } from './openapi';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

/** The routes of a router and of the routers mounted in it. */
function routesOf(stack: Layer[]): Layer[] {
  return stack.flatMap(layer =>
    layer.handle?.stack ? routesOf(layer.handle.stack) : [layer],
  );
}

/** Served by the validated router itself: the document, not an operation. */
const SPEC_ROUTE = 'GET /openapi.json';

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves, ingest included', async () => {
    // Nothing is called: the router is only read.
    const unused = {} as any;
    const router = await createRouter({
      partitions: unused,
      policies: unused,
      storage: unused,
      retention: unused,
      failedEvents: unused,
      ingest: unused,
      limits: unused,
      api: { maxWindowMs: 1, maxPageBytes: 1 },
      personalData: { keychain: unused, reader: unused, access: unused },
      producers: unused,
      dataAccess: unused,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      auditor: mockServices.auditor.mock(),
      logger: mockServices.logger.mock(),
    });
    const served = routesOf(router.stack as Layer[])
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method =>
            `${method.toUpperCase()} ${layer.route!.path.replace(
              /:(\w+)/g,
              '{$1}',
            )}`,
        ),
      )
      .filter(route => route !== SPEC_ROUTE)
      .sort();

    const documented = Object.entries(
      spec.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter(key => METHODS.includes(key))
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    expect(served).toEqual(documented);
  });
});
