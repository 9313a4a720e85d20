import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import authModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';

/**
 * Guest sign-in, loaded only where the config asks for it: app-config.yaml,
 * for local use. app-config.production.yaml unsets `auth.providers.guest`
 * (`guest: null`), and then the module is not even installed, so no
 * `/api/auth/guest` route exists in production. Loading it anyway would
 * fail the start (it reads its config at init), and a guest provider that
 * did get configured in production still refuses to sign anyone in while
 * `NODE_ENV` is not `development` (the module's own guard).
 */
export const guestSignInWhenConfigured = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (config.has('auth.providers.guest')) {
      yield authModuleGuestProvider;
    }
  },
});
