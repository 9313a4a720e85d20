import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import path from 'node:path';
import { BindingLimits, DEFAULT_BINDING_LIMITS } from './ingest/binding';
import { checkPartitionWidth } from './partitions/layout';

/** `deliveryPipeline` config with its defaults filled in (see config.d.ts). */
export type PipelineConfig = {
  limits: BindingLimits;
  maxFailedPayloadBytes: number;
  transport: {
    type: 'local' | 'database';
    directory: string;
    maxBacklogEvents: number;
    maxBacklogBytes: number;
  };
  storage: { directory: string };
  consumer: { maxEvents: number; leaseMs: number; pollIntervalMs: number };
  partitions: { widthMs: number };
};

const DEFAULT_DATA_DIRECTORY = 'data/delivery-pipeline';

export function readPipelineConfig(root: Config): PipelineConfig {
  const config = root.getOptionalConfig('deliveryPipeline');
  const number = (key: string, fallback: number) =>
    config?.getOptionalNumber(key) ?? fallback;
  const duration = (key: string, fallback: HumanDuration) =>
    durationToMilliseconds(
      config?.has(key) ? readDurationFromConfig(config, { key }) : fallback,
    );

  const transportType = config?.getOptionalString('transport.type') ?? 'local';
  if (transportType !== 'local' && transportType !== 'database') {
    throw new Error(
      `deliveryPipeline.transport.type must be 'local' or 'database'; got '${transportType}'`,
    );
  }
  const widthMs = duration('partitions.width', { hours: 1 });
  checkPartitionWidth(widthMs);

  return {
    limits: {
      maxRequestBytes: number(
        'ingest.maxRequestBytes',
        DEFAULT_BINDING_LIMITS.maxRequestBytes,
      ),
      maxEventBytes: number(
        'ingest.maxEventBytes',
        DEFAULT_BINDING_LIMITS.maxEventBytes,
      ),
      maxBatchEvents: number(
        'ingest.maxBatchEvents',
        DEFAULT_BINDING_LIMITS.maxBatchEvents,
      ),
      maxEventDepth: number(
        'ingest.maxEventDepth',
        DEFAULT_BINDING_LIMITS.maxEventDepth,
      ),
    },
    maxFailedPayloadBytes: number('failedEvents.maxPayloadBytes', 65_536),
    transport: {
      type: transportType,
      directory: path.resolve(
        config?.getOptionalString('transport.directory') ??
          `${DEFAULT_DATA_DIRECTORY}/transport`,
      ),
      maxBacklogEvents: number('transport.maxBacklogEvents', 1_000_000),
      maxBacklogBytes: number('transport.maxBacklogBytes', 1_073_741_824),
    },
    storage: {
      directory: path.resolve(
        config?.getOptionalString('storage.directory') ??
          `${DEFAULT_DATA_DIRECTORY}/storage`,
      ),
    },
    consumer: {
      maxEvents: number('consumer.maxEvents', 20_000),
      leaseMs: duration('consumer.lease', { seconds: 60 }),
      pollIntervalMs: duration('consumer.pollInterval', { milliseconds: 500 }),
    },
    partitions: { widthMs },
  };
}
