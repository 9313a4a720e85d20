import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { eventTypePagePath } from '@data-collection/plugin-event-schemas-node';
import { SunsetReminderStore } from '../database/SunsetReminderStore';
import { SUNSET_STAGES, SunsetStage } from '../lifecycle/sunsetStages';

/**
 * Reminds the owners of an event type's consumers of its sunset date, each
 * stage once per owner: who was reminded is recorded before sending, and
 * forgotten again when sending fails, so that the next run retries.
 */
export class SunsetReminders {
  constructor(
    private readonly options: {
      store: SunsetReminderStore;
      /** The owners of the type's consumers (ConsumerNotifier's). */
      consumerOwners: (name: string) => Promise<string[]>;
      notifications: NotificationService;
      logger: LoggerService;
      /** The root config, for the link to the type's page. */
      config: Config;
    },
  ) {}

  /** Sends a stage to the consumers' owners not yet told; returns them. */
  async remind(options: {
    eventType: EventType;
    stage: SunsetStage;
    now: Date;
  }): Promise<string[]> {
    const { eventType, stage, now } = options;
    const { store, notifications, logger, config } = this.options;
    const deprecation = eventType.deprecation;
    // A type deprecated before sunset dates existed is keyed by its
    // retirement: it has nothing else to be reminded of.
    const sunsetAt = deprecation?.sunsetAt ?? deprecation?.retiredAt;
    if (!deprecation || !sunsetAt) return [];
    const owners = await this.options.consumerOwners(eventType.name);
    if (owners.length === 0) return [];
    const key = { eventType: eventType.name, sunsetAt, stage };
    const recipients = await store.claim({ ...key, recipients: owners, now });
    if (recipients.length === 0) return [];
    const successor = deprecation.successor
      ? ` Move to ${deprecation.successor}.`
      : '';
    const title =
      stage === 'retired'
        ? `${eventType.name} is retired`
        : `${eventType.name} will be retired in ${
            SUNSET_STAGES.find(s => s.stage === stage)!.words
          }`;
    const description =
      stage === 'retired'
        ? `${eventType.name} was retired on ${deprecation.retiredAt} and refuses new events.${successor}`
        : `${eventType.name} is deprecated (${deprecation.reason}) and will refuse events from ${sunsetAt}.${successor}`;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title,
          description,
          link: eventTypePagePath(config, eventType.name, 'overview'),
          severity: stage === 'retired' ? 'high' : 'normal',
          topic: eventType.name,
          scope: `event-schemas:${eventType.name}:sunset:${stage}`,
        },
      });
    } catch (error) {
      await store.release({ ...key, recipients });
      throw error;
    }
    logger.info(
      `Reminded ${recipients.length} consumer owner(s) of ${eventType.name}'s sunset (${stage})`,
    );
    return recipients;
  }
}
