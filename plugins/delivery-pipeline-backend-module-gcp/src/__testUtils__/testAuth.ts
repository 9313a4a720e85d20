import { OAuth2Client } from 'google-auth-library';
import { nativeFetchTransporter } from '../auth';

/** The bearer token {@link testAuthClient} sends; fakes may check it. */
export const TEST_ACCESS_TOKEN = 'test-access-token';

/**
 * Credentials for tests: a fixed access token that never expires, sent
 * through native fetch so that msw sees every request.
 */
export function testAuthClient(): OAuth2Client {
  const client = new OAuth2Client({ transporter: nativeFetchTransporter() });
  client.setCredentials({
    access_token: TEST_ACCESS_TOKEN,
    expiry_date: Date.now() + 24 * 3600_000,
  });
  return client;
}
