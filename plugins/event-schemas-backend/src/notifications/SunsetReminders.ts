import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  EventType,
  EventTypeConsumer,
} from '@data-collection/plugin-event-schemas-common';
import { eventTypePagePath } from '@data-collection/plugin-event-schemas-node';
import { SunsetReminderStore } from '../database/SunsetReminderStore';
import { SUNSET_STAGES, SunsetStage } from '../lifecycle/sunsetStages';

/**
 * Reminds an event type's consumers of its sunset date, each stage once per
 * consumer: one notification per consuming component, to its owner, naming
 * the component (a team that owns three consumers has three migrations to
 * plan, and each notification is marked done on its own). Which consumers
 * were reminded is recorded before sending, and forgotten again when
 * sending fails, so that the next run retries.
 */
export class SunsetReminders {
  constructor(
    private readonly options: {
      store: SunsetReminderStore;
      /** The type's consumers, with their owners (ConsumerNotifier's). */
      consumers: (name: string) => Promise<EventTypeConsumer[]>;
      notifications: NotificationService;
      logger: LoggerService;
      /** The root config, for the link to the type's page. */
      config: Config;
    },
  ) {}

  /** Sends a stage to the consumers not yet told; returns them. */
  async remind(options: {
    eventType: EventType;
    stage: SunsetStage;
    now: Date;
  }): Promise<string[]> {
    const { eventType, stage, now } = options;
    const { store, logger } = this.options;
    const deprecation = eventType.deprecation;
    // A type deprecated before sunset dates existed is keyed by its
    // retirement: it has nothing else to be reminded of.
    const sunsetAt = deprecation?.sunsetAt ?? deprecation?.retiredAt;
    if (!deprecation || !sunsetAt) return [];
    // A consumer without an owner has nobody to tell.
    const consumers = (await this.options.consumers(eventType.name)).filter(
      consumer => consumer.owner,
    );
    if (consumers.length === 0) return [];
    const key = { eventType: eventType.name, sunsetAt, stage };
    const claimed = await store.claim({
      ...key,
      recipients: consumers.map(consumer => consumer.entityRef),
      now,
    });
    const failed: string[] = [];
    let firstError: unknown;
    for (const consumer of consumers) {
      if (!claimed.includes(consumer.entityRef)) continue;
      try {
        await this.send({ eventType, stage, sunsetAt, consumer });
      } catch (error) {
        failed.push(consumer.entityRef);
        firstError ??= error;
      }
    }
    if (failed.length > 0) {
      await store.release({ ...key, recipients: failed });
    }
    const reminded = claimed.filter(ref => !failed.includes(ref));
    if (reminded.length > 0) {
      logger.info(
        `Reminded ${reminded.length} consumer(s) of ${eventType.name}'s sunset (${stage})`,
      );
    }
    if (firstError) throw firstError;
    return reminded;
  }

  private async send(options: {
    eventType: EventType;
    stage: SunsetStage;
    sunsetAt: string;
    consumer: EventTypeConsumer;
  }): Promise<void> {
    const { eventType, stage, sunsetAt, consumer } = options;
    const { notifications, config } = this.options;
    const deprecation = eventType.deprecation!;
    const successor = deprecation.successor
      ? ` Move ${consumer.title ?? consumer.entityRef} to ${
          deprecation.successor
        }.`
      : '';
    const reads = `${consumer.title ?? consumer.entityRef} reads ${
      eventType.name
    }`;
    const title =
      stage === 'retired'
        ? `${eventType.name} is retired`
        : `${eventType.name} will be retired in ${
            SUNSET_STAGES.find(s => s.stage === stage)!.words
          }`;
    const description =
      stage === 'retired'
        ? `${reads}, which was retired on ${deprecation.retiredAt} and refuses new events.${successor}`
        : `${reads}, which is deprecated (${deprecation.reason}) and will refuse events from ${sunsetAt}.${successor}`;
    await notifications.send({
      recipients: { type: 'entity', entityRef: consumer.owner! },
      payload: {
        title,
        description,
        link: eventTypePagePath(config, eventType.name, 'overview'),
        severity: stage === 'retired' ? 'high' : 'normal',
        topic: eventType.name,
        // Per consumer: the same owner's notifications for two consumers
        // are two notifications, not one replacing the other.
        scope: `event-schemas:${eventType.name}:sunset:${stage}:${consumer.entityRef}`,
      },
    });
  }
}
