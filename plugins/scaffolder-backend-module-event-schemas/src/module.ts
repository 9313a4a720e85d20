import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createRegisterEventTypeAction,
  createRegisterEventTypeVersionAction,
} from './actions';
import { RegistryClient } from './RegistryClient';

/**
 * The scaffolder's event-schemas actions: `event-schemas:event-type:register`
 * and `event-schemas:event-type:version:register`.
 *
 * @public
 */
export const scaffolderModuleEventSchemas = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'event-schemas',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        const registry = new RegistryClient({ discovery, auth });
        scaffolder.addActions(
          createRegisterEventTypeAction({ registry }),
          createRegisterEventTypeVersionAction({ registry }),
        );
      },
    });
  },
});
