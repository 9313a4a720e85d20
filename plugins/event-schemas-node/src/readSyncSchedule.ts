import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * The default schedule of a catalog module's full sync. Changes reach the
 * catalog as events within seconds; the full sync is the safety net for
 * lost events and removes what was deleted meanwhile. The initial delay
 * gives the registry and the pipeline time to start in the same backend.
 *
 * @public
 */
export const DEFAULT_SYNC_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
  scope: 'global',
};

/**
 * The schedule of a periodic task that works from the registry's state (a
 * catalog module's full sync, the search collator, the registry's sunset
 * task): the one under `key` in config, else `defaults`
 * ({@link DEFAULT_SYNC_SCHEDULE} unless given). A configured
 * schedule keeps the default initial delay and scope unless it sets them,
 * as the registry and pipeline need the delay to start in the same backend.
 *
 * @public
 */
export function readSyncSchedule(
  config: RootConfigService,
  options: { key: string; defaults?: SchedulerServiceTaskScheduleDefinition },
): SchedulerServiceTaskScheduleDefinition {
  const { key, defaults = DEFAULT_SYNC_SCHEDULE } = options;
  if (!config.has(key)) {
    return defaults;
  }
  const configured = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    config.getConfig(key),
  );
  return {
    ...configured,
    initialDelay: configured.initialDelay ?? defaults.initialDelay,
    scope: configured.scope ?? defaults.scope,
  };
}
