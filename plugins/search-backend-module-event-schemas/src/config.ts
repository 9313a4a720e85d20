import {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
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
 * The portal's event types page, without a trailing slash. Throws on a value
 * that is not an absolute path, so a typo fails the backend's start rather
 * than indexing broken links. (The same rule as the other plugins that link
 * to the page; one reader for all of them belongs in event-schemas-node.)
 */
export function readEventTypesPath(config: RootConfigService): string {
  const configured =
    config.getOptionalString(EVENT_TYPES_PATH_KEY) ?? DEFAULT_EVENT_TYPES_PATH;
  if (
    !configured.startsWith('/') ||
    configured.startsWith('//') ||
    /[?#\s]/.test(configured)
  ) {
    throw new InputError(
      `Invalid ${EVENT_TYPES_PATH_KEY} '${configured}': it must be the path the app mounts the event-schemas page at, starting with one '/', e.g. '${DEFAULT_EVENT_TYPES_PATH}'`,
    );
  }
  return configured.replace(/\/+$/, '');
}
