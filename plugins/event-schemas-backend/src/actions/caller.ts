import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';

/**
 * Refuses anonymous callers, as the routes' default auth policy does: every
 * route but /health wants a user or a service. (The actions registry only
 * invokes actions for authenticated callers; this keeps the rule here too.)
 */
export function requireCaller(credentials: BackstageCredentials): void {
  if ((credentials.principal as { type?: string }).type === 'none') {
    throw new AuthenticationError(
      'Sign in or call as a service to use the event schema actions',
    );
  }
}
