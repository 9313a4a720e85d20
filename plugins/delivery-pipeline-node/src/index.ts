/**
 * Extension points of the delivery pipeline: the transport that carries
 * accepted events to the consumer, the storage partitions are written to,
 * exporters, in-process producers (such as demo traffic), and the personal
 * data keychain's key-encryption key; and the
 * decrypter that batch jobs use to read personal data they are allowed to;
 * the partition layout and the delivered manifest every stage and adapter
 * shares.
 *
 * @packageDocumentation
 */
export * from './transport';
export * from './storage';
export * from './exporter';
export * from './producer';
export * from './manifest';
// The partition layout, for stages and adapters; defined in -common so the
// portal computes the same folders.
export {
  checkPartitionWidth,
  HOUR_MS,
  isInNarrowerPartitionFolder,
  isPartitionWidth,
  partitionFolder,
  partitionStartOf,
  partitionStartOfTimeFolder,
  partitionTimeFolder,
  spansWholeHours,
} from '@data-collection/plugin-delivery-pipeline-common';
export type { PartitionKind } from '@data-collection/plugin-delivery-pipeline-common';
export * from './extensions';
export * from './keyEncryptionKey';
export * from './personalData/PersonalDataDecrypter';
export {
  failpoint,
  parseFailpoints,
  FAILPOINTS_ENV,
  FAILPOINTS_LOG_ENV,
} from './failpoints';
export type { FailpointAction } from './failpoints';
