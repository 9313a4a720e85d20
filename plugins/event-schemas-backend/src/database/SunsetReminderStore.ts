/** One stage of the reminders about one sunset date of one event type. */
export type SunsetReminderKey = {
  eventType: string;
  /** The sunset date the reminder is about (ISO 8601). */
  sunsetAt: string;
  stage: string;
};

/**
 * Which consumers were reminded of which sunset stage, so that each gets a
 * stage once, across restarts and replicas.
 */
export interface SunsetReminderStore {
  /**
   * Records the stage as sent to those of `recipients` not yet reminded of
   * it, and returns them: the ones to send it to now.
   */
  claim(
    options: SunsetReminderKey & { recipients: string[]; now: Date },
  ): Promise<string[]>;

  /** Forgets claims whose sending failed, so the next run sends them. */
  release(options: SunsetReminderKey & { recipients: string[] }): Promise<void>;
}
