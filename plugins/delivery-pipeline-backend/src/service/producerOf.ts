import { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Who sent a request, as `deliveryPipeline.ingest.producers` names them: an
 * external-access token's subject, a user's entity ref.
 */
export function producerOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
  >;
  return principal.type === 'user'
    ? principal.userEntityRef
    : principal.subject;
}
