import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  DeliveryPartitionSignalState,
} from '@data-collection/plugin-delivery-pipeline-common';

/** Tells the portal's open delivery pages that a partition changed. */
export interface PartitionSignalPublisher {
  /**
   * Announces one partition's new state. Never throws and never waits: a
   * lost signal only means a page refreshes at its next poll.
   */
  publish(signal: {
    eventType: string;
    partitionStart: Date | number;
    state: DeliveryPartitionSignalState;
  }): void;
}

/**
 * Publishes partition changes on the signals service, channel
 * `delivery-pipeline:partitions`.
 *
 * Recipients are `broadcast`: deciding per partition who may read the
 * type's delivery would cost a permission round trip for every signed-in
 * user. That is safe only because the message carries nothing but the
 * type's name (which every signed-in user can list in the registry), the
 * partition's start and its state; a page that shows the type then
 * refetches its data through the permission-checked API, so nobody learns
 * more than they could read. Keep it that way: no counts, no owners, no
 * paths in the message.
 */
export class PartitionSignals implements PartitionSignalPublisher {
  readonly #signals: SignalsService;
  readonly #logger: LoggerService;

  constructor(options: { signals: SignalsService; logger: LoggerService }) {
    this.#signals = options.signals;
    this.#logger = options.logger;
  }

  publish(signal: {
    eventType: string;
    partitionStart: Date | number;
    state: DeliveryPartitionSignalState;
  }): void {
    const partitionStart = new Date(signal.partitionStart).toISOString();
    this.#signals
      .publish({
        recipients: { type: 'broadcast' },
        channel: DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
        message: {
          eventType: signal.eventType,
          partitionStart,
          state: signal.state,
        },
      })
      .catch(error => {
        this.#logger.warn(
          `Could not signal that partition ${signal.eventType} ${partitionStart} is ${signal.state}; open pages see it at their next poll`,
          error,
        );
      });
  }
}
