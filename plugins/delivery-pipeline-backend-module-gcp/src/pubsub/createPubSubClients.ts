import { v1 } from '@google-cloud/pubsub';
import { AuthClient, GoogleAuth } from 'google-auth-library';

/** @public */
export type PubSubClientsOptions = {
  projectId: string;
  /**
   * Credentials: `createDefaultAuth()` in production, `testAuthClient()` in
   * tests. Both send through native fetch.
   */
  authClient: AuthClient | GoogleAuth;
  /**
   * Another endpoint than `https://pubsub.googleapis.com`, as a URL
   * (`http://127.0.0.1:8085` for a fake or the emulator) or a host name.
   */
  apiEndpoint?: string;
};

/**
 * The publisher and subscriber clients of the transport, on the REST
 * fallback (HTTP/1.1 and JSON). That is the transport the tests exercise;
 * gRPC would carry the same calls with less overhead, but its traffic
 * cannot be faked with HTTP handlers.
 *
 * @public
 */
export function createPubSubClients(options: PubSubClientsOptions): {
  publisher: v1.PublisherClient;
  subscriber: v1.SubscriberClient;
} {
  const common = {
    fallback: true,
    projectId: options.projectId,
    // gax takes ADC as `auth` and a ready client as `authClient`.
    ...(options.authClient instanceof GoogleAuth
      ? { auth: options.authClient }
      : { authClient: options.authClient }),
    ...endpointOptions(options.apiEndpoint),
  };
  return {
    publisher: new v1.PublisherClient(common),
    subscriber: new v1.SubscriberClient(common),
  };
}

/** gax wants the host, port and protocol apart. */
function endpointOptions(apiEndpoint: string | undefined) {
  if (!apiEndpoint) {
    return {};
  }
  if (!/^[a-z]+:\/\//i.test(apiEndpoint)) {
    return { apiEndpoint };
  }
  const url = new URL(apiEndpoint);
  const protocol = url.protocol.replace(/:$/, '');
  return {
    apiEndpoint: url.hostname,
    port: Number(url.port) || (protocol === 'http' ? 80 : 443),
    protocol,
  };
}
