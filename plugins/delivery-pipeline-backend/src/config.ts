import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import os from 'node:os';
import path from 'node:path';
import { BindingLimits, DEFAULT_BINDING_LIMITS } from './ingest/binding';
import { checkPartitionWidth } from '@data-collection/plugin-delivery-pipeline-node';

/** `deliveryPipeline` config with its defaults filled in (see config.d.ts). */
export type PipelineConfig = {
  limits: BindingLimits;
  failedEvents: { maxPayloadBytes: number; retentionMs: number };
  api: { maxWindowMs: number; maxPageBytes: number };
  personalData: {
    keyEncryptionKeyFile: string;
    keyCacheTtlMs: number;
    keyCacheSize: number;
    suppressedSubjects: string[];
  };
  transport: {
    type: 'local' | 'database';
    directory: string;
    maxBacklogEvents: number;
    maxBacklogBytes: number;
  };
  storage: { directory: string };
  /** What the pipeline does when the registry cannot be reached. */
  registry: { staleIfErrorMs: number };
  consumer: { maxEvents: number; leaseMs: number; pollIntervalMs: number };
  partitions: { widthMs: number; graceMs: number };
  completionist: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    maxQuietBackfillMs: number;
    maxQuietPartitionsPerRun: number;
  };
  deduper: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    leaseMs: number;
    lookbackMs: number;
    maxMemoryBytes: number;
    spillDirectory: string;
    workerThreads?: number;
  };
  sla: { frequency: HumanDuration; defaultMaxLatenessMs: number };
  /** Who the partition signals go to (see PartitionSignals). */
  signals: { audience: SignalAudience };
  retention: {
    frequency: HumanDuration;
    /** For types no longer in the registry; undefined keeps them. */
    defaultRawMs?: number;
    defaultDeliveredMs?: number;
  };
};

const DEFAULT_DATA_DIRECTORY = 'data/delivery-pipeline';

const SIGNAL_AUDIENCES = ['everyone', 'owners'] as const;
/** `everyone` signed in, or the members of each type's owner group. */
export type SignalAudience = (typeof SIGNAL_AUDIENCES)[number];

export function readPipelineConfig(root: Config): PipelineConfig {
  const config = root.getOptionalConfig('deliveryPipeline');
  const number = (key: string, fallback: number) =>
    config?.getOptionalNumber(key) ?? fallback;
  const humanDuration = (key: string, fallback: HumanDuration) =>
    config?.has(key) ? readDurationFromConfig(config, { key }) : fallback;
  const duration = (key: string, fallback: HumanDuration) =>
    durationToMilliseconds(humanDuration(key, fallback));
  const optionalDuration = (key: string) =>
    config?.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : undefined;

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
    failedEvents: {
      maxPayloadBytes: number('failedEvents.maxPayloadBytes', 65_536),
      retentionMs: duration('failedEvents.retention', { days: 7 }),
    },
    api: {
      maxWindowMs: duration('api.maxWindow', { days: 31 }),
      maxPageBytes: number('api.maxPageBytes', 4_194_304),
    },
    personalData: {
      keyEncryptionKeyFile: path.resolve(
        config?.getOptionalString('personalData.keyEncryptionKeyFile') ??
          `${DEFAULT_DATA_DIRECTORY}/key-encryption-key.json`,
      ),
      keyCacheTtlMs: duration('personalData.keyCacheTtl', { seconds: 30 }),
      keyCacheSize: number('personalData.keyCacheSize', 100_000),
      suppressedSubjects:
        config?.getOptionalStringArray('personalData.suppressedSubjects') ?? [],
    },
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
    registry: {
      staleIfErrorMs: duration('registry.staleIfError', { minutes: 15 }),
    },
    consumer: {
      maxEvents: number('consumer.maxEvents', 20_000),
      leaseMs: duration('consumer.lease', { seconds: 60 }),
      pollIntervalMs: duration('consumer.pollInterval', { milliseconds: 500 }),
    },
    partitions: {
      widthMs,
      graceMs: duration('partitions.grace', { minutes: 5 }),
    },
    completionist: {
      frequency: humanDuration('completionist.frequency', { seconds: 30 }),
      timeout: humanDuration('completionist.timeout', { minutes: 1 }),
      maxQuietBackfillMs: duration('completionist.maxQuietBackfill', {
        days: 7,
      }),
      maxQuietPartitionsPerRun: number(
        'completionist.maxQuietPartitionsPerRun',
        1000,
      ),
    },
    deduper: {
      frequency: humanDuration('deduper.frequency', { seconds: 30 }),
      timeout: humanDuration('deduper.timeout', { hours: 1 }),
      leaseMs: duration('deduper.lease', { seconds: 60 }),
      workerThreads: config?.getOptionalNumber('deduper.workerThreads'),
      lookbackMs: duration('deduper.lookback', { hours: 1 }),
      maxMemoryBytes: number('deduper.maxMemory', 536_870_912),
      spillDirectory: path.resolve(
        config?.getOptionalString('deduper.spillDirectory') ??
          path.join(os.tmpdir(), 'delivery-pipeline-spill'),
      ),
    },
    sla: {
      frequency: humanDuration('sla.frequency', { minutes: 1 }),
      defaultMaxLatenessMs: duration('sla.defaultMaxLateness', { hours: 3 }),
    },
    signals: { audience: signalAudience(config) },
    retention: {
      frequency: humanDuration('retention.frequency', { hours: 1 }),
      defaultRawMs: optionalDuration('retention.defaultRaw'),
      defaultDeliveredMs: optionalDuration('retention.defaultDelivered'),
    },
  };
}

function signalAudience(config: Config | undefined): SignalAudience {
  const audience = config?.getOptionalString('signals.audience') ?? 'everyone';
  if (!(SIGNAL_AUDIENCES as readonly string[]).includes(audience)) {
    throw new Error(
      `deliveryPipeline.signals.audience must be one of ${SIGNAL_AUDIENCES.join(
        ', ',
      )}; got '${audience}'`,
    );
  }
  return audience as SignalAudience;
}
