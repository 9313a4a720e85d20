import {
  DatabaseService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EventTypeConsumer } from '@data-collection/plugin-event-schemas-common';
import { readSyncSchedule } from '@data-collection/plugin-event-schemas-node';
import { DatabaseSunsetReminderStore } from '../database/DatabaseSunsetReminderStore';
import { EventTypeStore } from '../database/EventTypeStore';
import { SunsetReminders } from '../notifications/SunsetReminders';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { SunsetTask } from './SunsetTask';

/** Retirement lags the sunset date by at most this, by default. */
const DEFAULT_SUNSET_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 30 },
  scope: 'global' as const,
};

/**
 * Schedules the {@link SunsetTask} on one replica at a time, under
 * `eventSchemas.sunset.schedule`. Call after the event type store was
 * created: its migrations make the reminders' table.
 */
export async function scheduleSunsetTask(options: {
  config: RootConfigService;
  database: DatabaseService;
  scheduler: SchedulerService;
  notifications: NotificationService;
  logger: LoggerService;
  registry: SchemaRegistry;
  store: EventTypeStore;
  consumers: (name: string) => Promise<EventTypeConsumer[]>;
}): Promise<void> {
  const { config, scheduler, logger } = options;
  const task = new SunsetTask({
    registry: options.registry,
    store: options.store,
    reminders: new SunsetReminders({
      store: await DatabaseSunsetReminderStore.create(options),
      consumers: options.consumers,
      notifications: options.notifications,
      logger,
      config,
    }),
    logger,
  });
  await scheduler.scheduleTask({
    id: 'event-schemas-sunset',
    ...readSyncSchedule(config, {
      key: 'eventSchemas.sunset.schedule',
      defaults: DEFAULT_SUNSET_SCHEDULE,
    }),
    fn: () => task.run(),
  });
}
