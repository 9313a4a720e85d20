import {
  AuthService,
  BackstageCredentials,
  BackendFeature,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the real registry, for the tests
import eventSchemasPlugin, {
  EventSchemasPermissionPolicy,
} from '@data-collection/plugin-event-schemas-backend';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { RegistryClient } from '../RegistryClient';

// Test-only: the real registry (event-schemas-backend on SQLite) in a test
// backend, and the users the tests act as.

/** A member of group:default/playback, which owns the test's types. */
export const alice = mockCredentials.user('user:default/alice');
/** A member of group:default/search only. */
export const bob = mockCredentials.user('user:default/bob');

const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/playback'],
  'user:default/bob': ['user:default/bob', 'group:default/search'],
};

function userRef(credentials: BackstageCredentials): string {
  return (credentials.principal as { userEntityRef: string }).userEntityRef;
}

/**
 * The portal's permission set-up: the suite's policy (owners and admins)
 * with every other permission allowed, its IS_OWNER condition applied to
 * the stored event type. A stand-in for the permission backend, which
 * cannot call the registry back under the test backend's mock auth (the
 * registry's own plugin test does the same).
 */
const permissionStandIn = createServiceFactory({
  service: coreServices.permissions,
  deps: { discovery: coreServices.discovery, auth: coreServices.auth },
  factory({ discovery, auth }) {
    const policy = new EventSchemasPermissionPolicy({
      adminGroups: ['group:default/data-platform'],
      fallback: { handle: async () => ({ result: AuthorizeResult.ALLOW }) },
    });
    const reader = new HttpEventTypeReader({ discovery, auth });
    const decide = (
      query: { permission: any },
      credentials: BackstageCredentials,
    ): Promise<PolicyDecision> => {
      // Service principals skip the policy, as in Backstage.
      if ((credentials.principal as { type: string }).type === 'service') {
        return Promise.resolve({ result: AuthorizeResult.ALLOW });
      }
      const ref = userRef(credentials);
      const user = {
        info: { userEntityRef: ref, ownershipEntityRefs: ownership[ref] },
      } as PolicyQueryUser;
      return policy.handle({ permission: query.permission }, user);
    };
    return mockServices.permissions.mock({
      authorizeConditional: async (requests, { credentials }) =>
        Promise.all(requests.map(q => decide(q, credentials))) as any,
      authorize: async (requests, { credentials }) =>
        Promise.all(
          requests.map(async query => {
            const decision = await decide(query, credentials);
            if (decision.result !== AuthorizeResult.CONDITIONAL) {
              return decision;
            }
            // The policy's only condition: IS_OWNER, the user's ownership refs.
            const { params } = decision.conditions as unknown as {
              params: { owners: string[] };
            };
            const resourceRef = (query as { resourceRef?: string }).resourceRef;
            const eventType = resourceRef
              ? await reader.getEventType(resourceRef)
              : undefined;
            return {
              result:
                eventType && params.owners.includes(eventType.owner)
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            };
          }),
        ) as any,
    });
  },
});

/**
 * Starts the registry, plus `features` and `config` (the scaffolder, in
 * the template test), and gives a RegistryClient and a reader that sees every type, both
 * with the services of a probe plugin: the actions' calls are the same from
 * any plugin.
 */
export async function startRegistry(
  options: {
    features?: BackendFeature[];
    config?: Record<string, unknown>;
  } = {},
) {
  let services: { discovery: DiscoveryService; auth: AuthService } | undefined;
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(reg) {
      reg.registerInit({
        deps: { discovery: coreServices.discovery, auth: coreServices.auth },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      eventSchemasPlugin,
      permissionStandIn,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          eventSchemas: {
            permissions: { adminGroups: ['group:default/data-platform'] },
          },
          ...options.config,
        },
      }),
      mockServices.userInfo.mock({
        getUserInfo: async credentials => ({
          userEntityRef: userRef(credentials),
          ownershipEntityRefs: ownership[userRef(credentials)],
        }),
      }).factory,
      catalogServiceMock.factory(),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      probe,
      ...(options.features ?? []),
    ],
  });
  if (!services) {
    throw new Error('the probe plugin did not start');
  }
  return {
    backend,
    registry: new RegistryClient(services),
    /** Reads as a service, which the registry lets read everything. */
    reader: new HttpEventTypeReader(services),
  };
}
