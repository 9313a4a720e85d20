import {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readSyncSchedule } from '@data-collection/plugin-event-schemas-node';

/** Where the collator's schedule is configured, beside the catalog's. */
export const COLLATOR_SCHEDULE_KEY = 'search.collators.eventTypes.schedule';

/**
 * The collator's default schedule. The initial delay gives the registry,
 * in the same backend, time to start and register its demo types.
 */
export const DEFAULT_COLLATOR_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 10 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 15 },
    scope: 'global',
  };

export function readCollatorSchedule(
  config: RootConfigService,
): SchedulerServiceTaskScheduleDefinition {
  return readSyncSchedule(config, {
    key: COLLATOR_SCHEDULE_KEY,
    defaults: DEFAULT_COLLATOR_SCHEDULE,
  });
}
