import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * The schedule of a catalog module's full sync of entities made from event
 * types: the one under `key` in config, else `defaults`. A configured
 * schedule keeps the default initial delay and scope unless it sets them,
 * as the registry and pipeline need the delay to start in the same backend.
 *
 * @public
 */
export function readSyncSchedule(
  config: RootConfigService,
  options: { key: string; defaults: SchedulerServiceTaskScheduleDefinition },
): SchedulerServiceTaskScheduleDefinition {
  const { key, defaults } = options;
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
