import { LoggerService } from '@backstage/backend-plugin-api';
import { EventTypeStore } from '../database/EventTypeStore';
import { SunsetReminders } from '../notifications/SunsetReminders';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { dueSunsetStage, RETIRED_NOTICE_MS } from './sunsetStages';
import { isPastSunset } from './transitions';

/** Who retires a type when its sunset date comes. */
export const SUNSET_TASK_PRINCIPAL = 'plugin:event-schemas/sunset';

/**
 * The lifecycle's scheduled work, run by one replica at a time (the
 * scheduler's global scope): retires the deprecated types whose sunset date
 * has come, reminds their consumers before it, and tells them at
 * retirement (whoever retired the type).
 */
export class SunsetTask {
  constructor(
    private readonly options: {
      registry: SchemaRegistry;
      store: Pick<EventTypeStore, 'listDeprecatedEventTypes'>;
      reminders: SunsetReminders;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  async run(): Promise<void> {
    const { registry, store, reminders, logger } = this.options;
    const now = this.options.now?.() ?? new Date();
    for (let eventType of await store.listDeprecatedEventTypes()) {
      try {
        if (isPastSunset(eventType, now)) {
          eventType = await registry.retireEventType({
            name: eventType.name,
            retiredBy: SUNSET_TASK_PRINCIPAL,
          });
          logger.info(
            `Retired event type ${eventType.name}: its sunset date ${eventType.deprecation?.sunsetAt} has come`,
          );
        }
        const retiredAt = eventType.deprecation?.retiredAt;
        if (retiredAt) {
          if (now.getTime() - Date.parse(retiredAt) <= RETIRED_NOTICE_MS) {
            await reminders.remind({ eventType, stage: 'retired', now });
          }
          continue;
        }
        const due = dueSunsetStage(eventType, now);
        if (due) await reminders.remind({ eventType, stage: due.stage, now });
      } catch (error) {
        // One type's failure (a changed type, the notifications service
        // down) must not hold back the others; the next run retries it.
        logger.warn(
          `Sunset of event type ${eventType.name} failed; retrying on the next run: ${error}`,
        );
      }
    }
  }
}
