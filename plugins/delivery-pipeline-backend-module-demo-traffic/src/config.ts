import { Config } from '@backstage/config';

/** `deliveryPipeline.demo.traffic` with its defaults filled in. */
export type DemoTrafficConfig = {
  /** Whether to send demo traffic. Default false. */
  enabled: boolean;
  /** Events per second, all demo event types together. Default 20. */
  eventsPerSecond: number;
};

const KEY = 'deliveryPipeline.demo.traffic';

/**
 * Reads `deliveryPipeline.demo.traffic`; throws for a rate that is not a
 * positive number.
 */
export function readDemoTrafficConfig(config: Config): DemoTrafficConfig {
  const traffic = config.getOptionalConfig(KEY);
  const enabled = traffic?.getOptionalBoolean('enabled') ?? false;
  const eventsPerSecond = traffic?.getOptionalNumber('eventsPerSecond') ?? 20;
  if (!Number.isFinite(eventsPerSecond) || eventsPerSecond <= 0) {
    throw new Error(
      `${KEY}.eventsPerSecond must be a positive number; got ${eventsPerSecond}`,
    );
  }
  return { enabled, eventsPerSecond };
}
