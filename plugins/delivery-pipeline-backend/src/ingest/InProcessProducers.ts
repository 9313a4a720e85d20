import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  DeliveryPipelineProducerExtensionPoint,
  InProcessProducer,
} from '@data-collection/plugin-delivery-pipeline-node';
import { IngestService } from './IngestService';
import { trustedProducer } from './ProducerAuthorization';

/**
 * The producers modules add through `deliveryPipelineProducerExtensionPoint`
 * (demo traffic, say): started once the plugin has started, sending
 * through ingest as trusted producers, and stopped at shutdown before the
 * transport closes.
 */
export class InProcessProducers
  implements DeliveryPipelineProducerExtensionPoint
{
  readonly #producers: InProcessProducer[] = [];
  #started: InProcessProducer[] = [];

  // A property, so that a module may pass the method on unbound.
  readonly addProducer = (producer: InProcessProducer): void => {
    if (this.#producers.some(p => p.name === producer.name)) {
      throw new Error(
        `A delivery pipeline producer named '${producer.name}' was already added`,
      );
    }
    this.#producers.push(producer);
  };

  /**
   * Starts every producer. One that fails to start is logged and left out:
   * ingest from outside works without it.
   */
  async start(options: {
    ingest: IngestService;
    logger: LoggerService;
  }): Promise<void> {
    const { ingest, logger } = options;
    for (const producer of this.#producers) {
      const producerOfRequests = trustedProducer(producer.name);
      try {
        await producer.start(request =>
          ingest.ingest({ ...request, producer: producerOfRequests }),
        );
        this.#started.push(producer);
      } catch (error) {
        logger.error(
          `The in-process producer '${producer.name}' failed to start; it sends nothing`,
          toError(error),
        );
      }
    }
  }

  /** Stops the started producers, all at once. */
  async stop(): Promise<void> {
    const started = this.#started;
    this.#started = [];
    await Promise.all(started.map(producer => producer.stop()));
  }
}
