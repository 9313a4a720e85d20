import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Duration } from 'luxon';

/** The registry's settings, from `eventSchemas` in app-config (see config.d.ts). */
export type RegistryConfig = {
  limits: {
    /** Largest schema text, in bytes. */
    maxSchemaBytes: number;
    /** Deepest nesting of objects and arrays in a schema. */
    maxSchemaDepth: number;
    /** Longest regular expression (`pattern`) in a JSON schema. */
    maxPatternLength: number;
    /** Largest event data `/validate` accepts, in bytes of its JSON. */
    maxEventBytes: number;
    /** Deepest nesting of an event `/validate` accepts, the event included. */
    maxEventDepth: number;
  };
  /** Applied to new event types that do not set their own. */
  defaults: {
    retention: { raw: string; delivered: string };
    sla: { maxLateness: string };
  };
};

export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = {
  limits: {
    maxSchemaBytes: 256 * 1024,
    maxSchemaDepth: 32,
    maxPatternLength: 1000,
    // The delivery pipeline's ingest defaults: validating an event costs no
    // more than sending it.
    maxEventBytes: 256 * 1024,
    maxEventDepth: 64,
  },
  defaults: {
    retention: { raw: 'P7D', delivered: 'P90D' },
    sla: { maxLateness: 'PT3H' },
  },
};

export function readRegistryConfig(config: Config): RegistryConfig {
  const d = DEFAULT_REGISTRY_CONFIG;
  const c = config.getOptionalConfig('eventSchemas');
  const duration = (key: string, fallback: string) => {
    const value = c?.getOptionalString(key) ?? fallback;
    if (!isPositiveDuration(value)) {
      throw new InputError(
        `eventSchemas.${key} must be an ISO 8601 duration such as P30D or PT4H, got '${value}'`,
      );
    }
    return value;
  };
  return {
    limits: {
      maxSchemaBytes:
        c?.getOptionalNumber('limits.maxSchemaBytes') ??
        d.limits.maxSchemaBytes,
      maxSchemaDepth:
        c?.getOptionalNumber('limits.maxSchemaDepth') ??
        d.limits.maxSchemaDepth,
      maxPatternLength:
        c?.getOptionalNumber('limits.maxPatternLength') ??
        d.limits.maxPatternLength,
      // Unless set, the pipeline's own ingest limits where it is configured.
      maxEventBytes:
        c?.getOptionalNumber('limits.maxEventBytes') ??
        config.getOptionalNumber('deliveryPipeline.ingest.maxEventBytes') ??
        d.limits.maxEventBytes,
      maxEventDepth:
        c?.getOptionalNumber('limits.maxEventDepth') ??
        config.getOptionalNumber('deliveryPipeline.ingest.maxEventDepth') ??
        d.limits.maxEventDepth,
    },
    defaults: {
      retention: {
        raw: duration('defaults.retention.raw', d.defaults.retention.raw),
        delivered: duration(
          'defaults.retention.delivered',
          d.defaults.retention.delivered,
        ),
      },
      sla: {
        maxLateness: duration(
          'defaults.sla.maxLateness',
          d.defaults.sla.maxLateness,
        ),
      },
    },
  };
}

/** ISO 8601 durations as luxon reads them, longer than zero. */
export function isPositiveDuration(value: string): boolean {
  const duration = Duration.fromISO(value);
  return duration.isValid && duration.toMillis() > 0;
}
