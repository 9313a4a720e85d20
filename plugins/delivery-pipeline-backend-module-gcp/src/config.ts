import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { CRYPTO_KEY_NAME } from './kms/CloudKmsKeyEncryptionKey';
import { PubSubProtocol } from './pubsub/createPubSubClients';

/** `deliveryPipeline.gcp` with its defaults filled in (see config.d.ts). */
export type GcpConfig = {
  /** Undefined: the project of the credentials. */
  projectId?: string;
  pubsub?: {
    topicPrefix: string;
    deadLetterTopic: string;
    maxDeliveryAttempts: number;
    ackDeadlineSeconds: number;
    messageRetentionMs: number;
    publishDeadlineMs: number;
    clockSkewMs: number;
    maxBacklogEvents: number;
    maxBacklogBytes: number;
    apiEndpoint?: string;
    protocol: PubSubProtocol;
  };
  storage?: {
    bucket: string;
    prefix: string;
    resumableThresholdBytes: number;
    apiEndpoint?: string;
  };
  bigquery?: {
    datasetId: string;
    location: string;
    personalDataPolicyTag?: string;
    apiEndpoint?: string;
  };
  monitoring: { apiEndpoint?: string; refreshIntervalMs: number };
  kms?: {
    /** The CryptoKey: `projects/P/locations/L/keyRings/R/cryptoKeys/K`. */
    keyName: string;
    apiEndpoint?: string;
  };
};

export const GCP_CONFIG_KEY = 'deliveryPipeline.gcp';

/** Reads `deliveryPipeline.gcp`; undefined when it is absent. */
export function readGcpConfig(root: Config): GcpConfig | undefined {
  const gcp = root.getOptionalConfig(GCP_CONFIG_KEY);
  if (!gcp) {
    return undefined;
  }
  const duration = (config: Config, key: string, fallback: HumanDuration) =>
    durationToMilliseconds(
      config.has(key) ? readDurationFromConfig(config, { key }) : fallback,
    );

  const pubsub = gcp.getOptionalConfig('pubsub');
  const storage = gcp.getOptionalConfig('storage');
  const bigquery = gcp.getOptionalConfig('bigquery');
  const kms = gcp.getOptionalConfig('kms');
  const topicPrefix = pubsub?.getOptionalString('topicPrefix') ?? 'events.';
  const maxDeliveryAttempts =
    pubsub?.getOptionalNumber('maxDeliveryAttempts') ?? 5;
  if (maxDeliveryAttempts < 5 || maxDeliveryAttempts > 100) {
    // Pub/Sub's own bounds; it would refuse the subscription otherwise.
    throw new Error(
      `${GCP_CONFIG_KEY}.pubsub.maxDeliveryAttempts must be between 5 and 100; got ${maxDeliveryAttempts}`,
    );
  }

  const ackDeadlineSeconds =
    (pubsub && duration(pubsub, 'ackDeadline', { seconds: 60 }) / 1000) ?? 60;
  if (ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
    throw new Error(
      `${GCP_CONFIG_KEY}.pubsub.ackDeadline must be between 10 seconds and 10 minutes; got ${ackDeadlineSeconds} s`,
    );
  }

  return {
    projectId: gcp.getOptionalString('projectId'),
    pubsub: pubsub && {
      topicPrefix,
      deadLetterTopic:
        pubsub.getOptionalString('deadLetterTopic') ??
        `${topicPrefix}dead-letter`,
      maxDeliveryAttempts,
      ackDeadlineSeconds,
      messageRetentionMs: duration(pubsub, 'messageRetention', { days: 7 }),
      publishDeadlineMs: duration(pubsub, 'publishDeadline', { seconds: 30 }),
      clockSkewMs: duration(pubsub, 'clockSkew', { seconds: 5 }),
      maxBacklogEvents:
        pubsub.getOptionalNumber('maxBacklogEvents') ?? 100_000_000,
      maxBacklogBytes:
        pubsub.getOptionalNumber('maxBacklogBytes') ?? 100 * 1024 ** 3,
      apiEndpoint: pubsub.getOptionalString('apiEndpoint'),
      protocol: readProtocol(pubsub),
    },
    storage: storage && {
      bucket: storage.getString('bucket'),
      prefix: storage.getOptionalString('prefix') ?? '',
      resumableThresholdBytes:
        storage.getOptionalNumber('resumableThreshold') ?? 8 * 1024 ** 2,
      apiEndpoint: storage.getOptionalString('apiEndpoint'),
    },
    bigquery: bigquery && {
      datasetId: bigquery.getString('datasetId'),
      location: bigquery.getOptionalString('location') ?? 'US',
      personalDataPolicyTag: bigquery.getOptionalString(
        'personalDataPolicyTag',
      ),
      apiEndpoint: bigquery.getOptionalString('apiEndpoint'),
    },
    monitoring: {
      apiEndpoint: gcp.getOptionalString('monitoring.apiEndpoint'),
      refreshIntervalMs: duration(gcp, 'monitoring.refreshInterval', {
        seconds: 15,
      }),
    },
    kms: kms && {
      keyName: readKeyName(kms),
      apiEndpoint: kms.getOptionalString('apiEndpoint'),
    },
  };
}

function readProtocol(pubsub: Config): PubSubProtocol {
  const protocol = pubsub.getOptionalString('protocol') ?? 'grpc';
  if (protocol !== 'grpc' && protocol !== 'rest') {
    throw new Error(
      `${GCP_CONFIG_KEY}.pubsub.protocol must be 'grpc' or 'rest'; got '${protocol}'`,
    );
  }
  return protocol;
}

function readKeyName(kms: Config): string {
  const keyName = kms.getString('keyName');
  if (CRYPTO_KEY_NAME.test(keyName)) {
    return keyName;
  }
  const key = `${GCP_CONFIG_KEY}.kms.keyName`;
  if (/\/cryptoKeyVersions\//.test(keyName)) {
    // A version would pin the key: rotation would never take effect.
    throw new Error(
      `${key} names a key version (${keyName}); name the key itself, without /cryptoKeyVersions/…, so that its rotations take effect`,
    );
  }
  throw new Error(
    `${key} must be a Cloud KMS key's full resource name, projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>; got '${keyName}'`,
  );
}
