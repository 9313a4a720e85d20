import { v1 } from '@google-cloud/pubsub';
import { AuthClient, GoogleAuth } from 'google-auth-library';
// The grpc-js the clients run on (as @google-cloud/pubsub takes it for the
// emulator): channel credentials of another copy would be refused.
import { grpc } from 'google-gax';

/**
 * How the clients talk to Pub/Sub: `grpc` (protobuf over HTTP/2, the
 * client's default) or `rest` (JSON over HTTP/1.1, gax's fallback), for
 * networks whose proxies pass only HTTP/1.1.
 *
 * @public
 */
export type PubSubProtocol = 'grpc' | 'rest';

/** @public */
export type PubSubClientsOptions = {
  projectId: string;
  /**
   * Credentials: `createDefaultAuth()` in production, `testAuthClient()` in
   * tests.
   */
  authClient: AuthClient | GoogleAuth;
  /**
   * Another endpoint than `https://pubsub.googleapis.com`, as a URL or a
   * host name. On gRPC an `http://host:port` URL is a fake or the emulator:
   * a plaintext channel without credentials, as the Pub/Sub client makes
   * for `PUBSUB_EMULATOR_HOST`.
   */
  apiEndpoint?: string;
  /** Default `grpc`. */
  protocol?: PubSubProtocol;
};

/**
 * The publisher and subscriber clients of the transport, on gRPC unless
 * `protocol` says `rest`.
 *
 * @public
 */
export function createPubSubClients(options: PubSubClientsOptions): {
  publisher: v1.PublisherClient;
  subscriber: v1.SubscriberClient;
} {
  const common = {
    fallback: options.protocol === 'rest',
    projectId: options.projectId,
    // gax takes ADC as `auth` and a ready client as `authClient`.
    ...(options.authClient instanceof GoogleAuth
      ? { auth: options.authClient }
      : { authClient: options.authClient }),
    ...endpointOptions(options.apiEndpoint, options.protocol ?? 'grpc'),
  };
  return {
    publisher: new v1.PublisherClient(common),
    subscriber: new v1.SubscriberClient(common),
  };
}

/** gax wants the host, port and protocol apart. */
function endpointOptions(
  apiEndpoint: string | undefined,
  protocol: PubSubProtocol,
) {
  if (!apiEndpoint) {
    return {};
  }
  if (!/^[a-z]+:\/\//i.test(apiEndpoint)) {
    return { apiEndpoint };
  }
  const url = new URL(apiEndpoint);
  const scheme = url.protocol.replace(/:$/, '');
  const endpoint = {
    apiEndpoint: url.hostname,
    port: Number(url.port) || (scheme === 'http' ? 80 : 443),
  };
  if (protocol === 'rest') {
    return { ...endpoint, protocol: scheme };
  }
  return scheme === 'http'
    ? { ...endpoint, sslCreds: grpc.credentials.createInsecure() }
    : endpoint;
}
