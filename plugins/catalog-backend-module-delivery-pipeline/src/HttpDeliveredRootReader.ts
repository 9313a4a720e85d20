import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { DeliveredRootReader } from './DeliveredDatasetEntityProvider';

/** The pipeline's plugin id, for discovery and service-to-service tokens. */
const PIPELINE_PLUGIN_ID = 'delivery-pipeline';

/**
 * Asks the delivery pipeline's `GET /datasets` where it delivers to, as the
 * calling plugin's own service identity.
 *
 * @public
 */
export class HttpDeliveredRootReader implements DeliveredRootReader {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  async getDeliveredRoot(): Promise<string> {
    const baseUrl = await this.#discovery.getBaseUrl(PIPELINE_PLUGIN_ID);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: PIPELINE_PLUGIN_ID,
    });
    const response = await fetch(`${baseUrl}/datasets`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { location?: unknown };
    if (typeof body?.location !== 'string' || body.location.length === 0) {
      throw new Error(
        `GET ${baseUrl}/datasets answered without a location: ${JSON.stringify(
          body,
        ).slice(0, 200)}`,
      );
    }
    return body.location;
  }
}
