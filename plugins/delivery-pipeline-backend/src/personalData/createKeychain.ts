import { LoggerService } from '@backstage/backend-plugin-api';
import { KeyEncryptionKey } from '@data-collection/plugin-delivery-pipeline-node';
import { PipelineConfig } from '../config';
import { KeychainStore } from '../database/KeychainStore';
import { FileKeyEncryptionKey } from './FileKeyEncryptionKey';
import { Keychain } from './Keychain';

/**
 * The keychain, under the key-encryption key a module set or else the
 * configured file. The file is generated only while the keychain is empty:
 * a missing file beside an existing keychain means every person's data
 * would be lost, so the backend refuses to start instead.
 */
export async function createKeychain(options: {
  store: KeychainStore;
  /** From the extension point; the file is used without one. */
  keyEncryptionKey?: KeyEncryptionKey;
  settings: PipelineConfig['personalData'];
  logger: LoggerService;
}): Promise<Keychain> {
  const { store, settings, logger } = options;
  let kek = options.keyEncryptionKey;
  if (!kek) {
    const file = new FileKeyEncryptionKey({
      file: settings.keyEncryptionKeyFile,
    });
    if (!(await file.exists())) {
      const existing = await store.getSecret();
      if (existing) {
        throw new Error(
          `The key-encryption key file ${settings.keyEncryptionKeyFile} (deliveryPipeline.personalData.keyEncryptionKeyFile) is missing, but the keychain in the database is wrapped by its key '${existing.keyId}': restore the file from your backup. Without it, every person's personal data is unreadable.`,
        );
      }
      await file.generate().catch(error => {
        throw new Error(
          `Cannot create the key-encryption key file ${
            settings.keyEncryptionKeyFile
          } (deliveryPipeline.personalData.keyEncryptionKeyFile): ${
            (error as Error).message
          }. Point the setting at a writable path, provide the file from your secret store, or install a key management service module (Cloud KMS in the GCP module)`,
        );
      });
      logger.warn(
        `Generated the personal data key-encryption key ${settings.keyEncryptionKeyFile}: keep it secret and back it up; in production, use a key management service (see the plugin README)`,
      );
    }
    kek = file;
  }
  return Keychain.create({
    store,
    keyEncryptionKey: kek,
    logger,
    cacheTtlMs: settings.keyCacheTtlMs,
    cacheSize: settings.keyCacheSize,
    suppressedSubjects: settings.suppressedSubjects,
  });
}
