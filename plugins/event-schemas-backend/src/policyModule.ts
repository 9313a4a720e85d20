import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { EventSchemasPermissionPolicy } from './permissions';

/**
 * Installs {@link EventSchemasPermissionPolicy} as the portal's permission
 * policy, deciding the suite's permissions and passing every other one to
 * `fallback`: your portal's own policy. Without a fallback, other plugins'
 * permissions are denied, so that installing the suite never widens access
 * to the rest of the portal; pass one explicitly, e.g.
 * `createEventSchemasPolicyModule({ fallback: myPolicy })`.
 *
 * @public
 */
export function createEventSchemasPolicyModule(options?: {
  fallback?: PermissionPolicy;
}) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'event-schemas-policy',
    register(reg) {
      reg.registerInit({
        deps: {
          policy: policyExtensionPoint,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        async init({ policy, config, logger }) {
          if (!options?.fallback) {
            logger.warn(
              'The event-schemas permission policy has no fallback: every permission outside the data collection suite is denied. Compose it with your own policy (createEventSchemasPolicyModule({ fallback })).',
            );
          }
          policy.setPolicy(
            EventSchemasPermissionPolicy.fromConfig(config, {
              fallback: options?.fallback,
            }),
          );
        },
      });
    },
  });
}

/**
 * {@link createEventSchemasPolicyModule} without a fallback: the suite's
 * permissions decided, every other one denied.
 *
 * @public
 */
export const permissionModuleEventSchemasPolicy =
  createEventSchemasPolicyModule();
