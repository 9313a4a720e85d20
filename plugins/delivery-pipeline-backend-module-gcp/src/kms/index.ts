export { CloudKmsKeyEncryptionKey } from './CloudKmsKeyEncryptionKey';
export type { CloudKmsKeyEncryptionKeyOptions } from './CloudKmsKeyEncryptionKey';
