/**
 * Extension points of the delivery pipeline: the transport that carries
 * accepted events to the consumer, the storage partitions are written to,
 * exporters, and the personal data keychain's key-encryption key; and the
 * decrypter that batch jobs use to read personal data they are allowed to.
 *
 * @packageDocumentation
 */
export * from './transport';
export * from './storage';
export * from './exporter';
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
