import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { isUniqueViolation } from './DatabaseEventTypeStore';
import { SunsetReminderKey, SunsetReminderStore } from './SunsetReminderStore';

const TABLE = 'event_type_sunset_reminders';

/**
 * {@link SunsetReminderStore} on the plugin's database. Its table is made by
 * the migrations that `DatabaseEventTypeStore.create` runs: create that one
 * first.
 */
export class DatabaseSunsetReminderStore implements SunsetReminderStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSunsetReminderStore> {
    return new DatabaseSunsetReminderStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async claim(
    options: SunsetReminderKey & { recipients: string[]; now: Date },
  ): Promise<string[]> {
    const { eventType, sunsetAt, stage, recipients, now } = options;
    const claimed: string[] = [];
    // One insert each: the primary key decides who claimed a reminder, even
    // if two runs overlapped (the scheduler's global scope already prevents
    // that); a failed insert must not abort the others, so no transaction.
    for (const recipient of new Set(recipients)) {
      try {
        await this.db(TABLE).insert({
          event_type: eventType,
          sunset_at: sunsetAt,
          stage,
          recipient,
          sent_at: now,
        });
        claimed.push(recipient);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return claimed;
  }

  async release(
    options: SunsetReminderKey & { recipients: string[] },
  ): Promise<void> {
    const { eventType, sunsetAt, stage, recipients } = options;
    if (recipients.length === 0) return;
    await this.db(TABLE)
      .where({ event_type: eventType, sunset_at: sunsetAt, stage })
      .whereIn('recipient', recipients)
      .delete();
  }
}
