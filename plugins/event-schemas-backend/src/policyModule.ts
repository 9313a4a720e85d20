import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { EventSchemasPermissionPolicy } from './permissions';

/**
 * Installs {@link EventSchemasPermissionPolicy} as the portal's permission
 * policy. Use it instead of the allow-all policy module, or compose the
 * policy class into your own.
 *
 * @public
 */
export const permissionModuleEventSchemasPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'event-schemas-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(EventSchemasPermissionPolicy.fromConfig(config));
      },
    });
  },
});
