import { mockServices } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { ConsumerImpact } from '../consumers/ConsumerImpact';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { OwnershipAuthorization } from '../service/OwnershipAuthorization';
import { ReadAuthorization } from '../service/ReadAuthorization';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { createRouter } from '../service/router';
import { addSyncRoutes } from '../sync';

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

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', async () => {
    const router = await createRouter({
      registry: {} as SchemaRegistry,
      config: DEFAULT_REGISTRY_CONFIG,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      ownership: {} as OwnershipAuthorization,
      reads: {} as ReadAuthorization,
      rateLimiter: new RegistrationRateLimiter({ perMinute: 30 }),
      auditor: mockServices.auditor.mock(),
      impact: {} as ConsumerImpact,
      ping: async () => {},
      logger: mockServices.logger.mock(),
      // As the plugin adds them: the sync's routes are in the document too.
      addRoutes: api =>
        addSyncRoutes({
          ...({} as Parameters<typeof addSyncRoutes>[0]),
          api,
        }),
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

    const spec = parse(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'));
    const documented = Object.entries(
      spec.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter(key =>
            ['get', 'post', 'patch', 'put', 'delete'].includes(key),
          )
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    expect(served).toEqual(documented);
  });
});
