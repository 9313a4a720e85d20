/**
 * Extension points of the delivery pipeline: the transport that carries
 * accepted events to the consumer, the storage partitions are written to,
 * exporters, in-process producers (such as demo traffic), and the personal
 * data keychain's key-encryption key; and the
 * decrypter that batch jobs use to read personal data they are allowed to.
 *
 * @packageDocumentation
 */
export * from './transport';
export * from './storage';
export * from './exporter';
export * from './producer';
export * from './extensions';
export * from './keyEncryptionKey';
export * from './personalData/PersonalDataDecrypter';
