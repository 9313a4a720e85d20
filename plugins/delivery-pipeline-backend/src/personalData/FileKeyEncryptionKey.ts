import {
  KeyEncryptionKey,
  WrappedSecret,
} from '@data-collection/plugin-delivery-pipeline-node';
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The file's format: a key set, as Tink and KMS keep versions. */
type KeyFile = {
  primary: string;
  keys: Array<{ id: string; key: string; createdAt?: string }>;
};

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Binds what this key wraps to the keychain: it wraps nothing else. */
const AAD = Buffer.from('delivery-pipeline personal data keychain secret');

const ABOUT =
  "The delivery pipeline's key-encryption key: it wraps the personal data " +
  'keychain. Keep it secret, keep it out of git, back it up: without it, ' +
  "every person's personal data is unreadable. To rotate, add a key " +
  '(32 random bytes, base64) to "keys" and name it "primary"; the next ' +
  'start rewraps the keychain, then the old key may be removed.';

/**
 * The key-encryption key of the embedded default: AES-256 keys in a JSON
 * file, one of them primary. Generated on first use when the keychain is
 * empty (the plugin checks), never committed (`data/` is git-ignored).
 * Production sets a key management service through the extension point
 * instead, or mounts this file from a secret store.
 */
export class FileKeyEncryptionKey implements KeyEncryptionKey {
  readonly #file: string;

  constructor(options: { file: string }) {
    this.#file = options.file;
  }

  /** Whether the file exists. */
  async exists(): Promise<boolean> {
    return fs
      .access(this.#file)
      .then(() => true)
      .catch(() => false);
  }

  /** Writes a new file with one key, readable by its owner only. */
  async generate(): Promise<void> {
    const id = `kek-${new Date()
      .toISOString()
      .slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const file: KeyFile & { about: string } = {
      about: ABOUT,
      primary: id,
      keys: [
        {
          id,
          key: randomBytes(32).toString('base64'),
          createdAt: new Date().toISOString(),
        },
      ],
    };
    await fs.mkdir(path.dirname(this.#file), { recursive: true });
    // `wx`: never overwrite a key that appeared meanwhile.
    await fs.writeFile(this.#file, `${JSON.stringify(file, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }

  async primaryKeyId(): Promise<string> {
    return (await this.#read()).primary;
  }

  async wrap(secret: Buffer): Promise<WrappedSecret> {
    const file = await this.#read();
    const key = this.#key(file, file.primary);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return {
      keyId: file.primary,
      wrapped: Buffer.concat([nonce, body, cipher.getAuthTag()]),
    };
  }

  async unwrap(secret: WrappedSecret): Promise<Buffer> {
    const key = this.#key(await this.#read(), secret.keyId);
    const { wrapped } = secret;
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key,
      wrapped.subarray(0, NONCE_BYTES),
    );
    decipher.setAAD(AAD);
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(wrapped.subarray(NONCE_BYTES, -TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new Error(
        `The keychain secret does not open with key '${secret.keyId}' of ${
          this.#file
        }: the file holds another key under that id, or the database was changed`,
      );
    }
  }

  /** Read on every call: a rotation in the file is seen without a restart. */
  async #read(): Promise<KeyFile> {
    let text: string;
    try {
      text = await fs.readFile(this.#file, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot read the key-encryption key file ${
          this.#file
        } (deliveryPipeline.personalData.keyEncryptionKeyFile): ${
          (error as Error).message
        }`,
      );
    }
    let file: KeyFile;
    try {
      file = JSON.parse(text);
    } catch {
      throw new Error(
        `The key-encryption key file ${
          this.#file
        } is not JSON; it holds {"primary": "<id>", "keys": [{"id": "<id>", "key": "<32 bytes, base64>"}]}`,
      );
    }
    if (
      typeof file?.primary !== 'string' ||
      !Array.isArray(file.keys) ||
      !file.keys.some(k => k?.id === file.primary)
    ) {
      throw new Error(
        `The key-encryption key file ${
          this.#file
        } must name its "primary" key among its "keys"`,
      );
    }
    return file;
  }

  #key(file: KeyFile, id: string): Buffer {
    const entry = file.keys.find(k => k?.id === id);
    if (!entry) {
      throw new Error(
        `The key-encryption key file ${
          this.#file
        } has no key '${id}', which wrapped the keychain: restore it (keep old keys until the keychain was rewrapped)`,
      );
    }
    const key = Buffer.from(String(entry.key), 'base64');
    if (key.length !== 32) {
      throw new Error(
        `Key '${id}' of ${
          this.#file
        } must be 32 bytes in base64 (e.g. openssl rand -base64 32); it has ${
          key.length
        }`,
      );
    }
    return key;
  }
}
