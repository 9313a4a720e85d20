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

export const EVENT_TYPES_PATH_KEY = 'eventSchemas.portal.eventTypesPath';
/** Where the event-schemas frontend plugin mounts its page. */
export const DEFAULT_EVENT_TYPES_PATH = '/event-types';

export function readCollatorSchedule(
  config: RootConfigService,
): SchedulerServiceTaskScheduleDefinition {
  return readSyncSchedule(config, {
    key: COLLATOR_SCHEDULE_KEY,
    defaults: DEFAULT_COLLATOR_SCHEDULE,
  });
}

/**
 * The portal's event types page, without a trailing slash: a path of the
 * app (`/event-types`) or, for an app on another host, a URL.
 */
export function readEventTypesPath(config: RootConfigService): string {
  const path =
    config.getOptionalString(EVENT_TYPES_PATH_KEY) ?? DEFAULT_EVENT_TYPES_PATH;
  if (!/^(\/|https?:\/\/)/.test(path)) {
    throw new Error(
      `Invalid ${EVENT_TYPES_PATH_KEY} '${path}': give the app's path of the event types page, starting with /, e.g. ${DEFAULT_EVENT_TYPES_PATH}, or a URL starting with https://`,
    );
  }
  return path.replace(/\/+$/, '');
}
