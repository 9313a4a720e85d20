import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalPayload, SignalsService } from '@backstage/plugin-signals-node';
import {
  DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  DeliveryPartitionSignalState,
} from '@data-collection/plugin-delivery-pipeline-common';
import { SignalAudience } from '../config';
import { EventTypePolicySource } from '../policies/EventTypePolicies';

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
 * The message carries nothing but the type's name, the partition's start
 * and its state; a page that shows the type then refetches its data
 * through the permission-checked API. Keep it that way: no counts, no
 * owners, no paths in the message.
 *
 * Deciding per partition who may read the type would cost a permission
 * round trip for every signed-in user, so the audience is configured
 * (`deliveryPipeline.signals.audience`): `everyone` signed in, which the
 * suite's policy allows to read every type, or, for a policy that hides
 * types from some users, `owners`, the members of the type's owner group.
 */
export class PartitionSignals implements PartitionSignalPublisher {
  readonly #signals: SignalsService;
  readonly #logger: LoggerService;
  readonly #ownerOf?: (eventType: string) => Promise<string | undefined>;

  constructor(options: {
    signals: SignalsService;
    logger: LoggerService;
    /** Default `everyone`. */
    audience?: SignalAudience;
    /** Where `owners` finds each type's owner. */
    policies?: EventTypePolicySource;
  }) {
    this.#signals = options.signals;
    this.#logger = options.logger;
    if (options.audience === 'owners') {
      const policies = options.policies;
      if (!policies) {
        throw new Error("Signals to owners need the event types' policies");
      }
      this.#ownerOf = async eventType => (await policies.get(eventType)).owner;
    }
  }

  publish(signal: {
    eventType: string;
    partitionStart: Date | number;
    state: DeliveryPartitionSignalState;
  }): void {
    const partitionStart = new Date(signal.partitionStart).toISOString();
    this.#recipients(signal.eventType)
      .then(recipients =>
        recipients
          ? this.#signals.publish({
              recipients,
              channel: DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
              message: {
                eventType: signal.eventType,
                partitionStart,
                state: signal.state,
              },
            })
          : undefined,
      )
      .catch(error => {
        this.#logger.warn(
          `Could not signal that partition ${signal.eventType} ${partitionStart} is ${signal.state}; open pages see it at their next poll`,
          error,
        );
      });
  }

  /** Nobody when the type has no owner to tell. */
  async #recipients(
    eventType: string,
  ): Promise<SignalPayload['recipients'] | undefined> {
    if (!this.#ownerOf) return { type: 'broadcast' };
    const owner = await this.#ownerOf(eventType);
    // Signals match a group ref against the user's ownership refs: every
    // member gets it.
    return owner ? { type: 'user', entityRef: owner } : undefined;
  }
}
