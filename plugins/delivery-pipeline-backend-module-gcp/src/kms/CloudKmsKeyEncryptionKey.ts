import {
  KeyEncryptionKey,
  WrappedSecret,
} from '@data-collection/plugin-delivery-pipeline-node';
import { AuthClient, GoogleAuth } from 'google-auth-library';
import { crc32c } from './crc32c';

/** `projects/P/locations/L/keyRings/R/cryptoKeys/K`, nothing after it. */
export const CRYPTO_KEY_NAME =
  /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

/** A key version's name: the crypto key's, then `/cryptoKeyVersions/N`. */
const VERSION_NAME =
  /^(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+)\/cryptoKeyVersions\/[^/]+$/;

/**
 * Bound to every wrapped secret as additional authenticated data: Cloud KMS
 * decrypts it only when the same bytes are given again, so ciphertext of the
 * same key made for another purpose (another application sharing the key)
 * is never taken for the keychain's secret.
 */
const KEYCHAIN_SECRET_AAD = Buffer.from(
  'backstage/delivery-pipeline/personal-data/keychain-secret',
);
const KEYCHAIN_SECRET_AAD_FIELDS = {
  additionalAuthenticatedData: KEYCHAIN_SECRET_AAD.toString('base64'),
  additionalAuthenticatedDataCrc32c: crc32c(KEYCHAIN_SECRET_AAD),
};

/**
 * Attempts of a call whose checksums do not match. Google's advice: discard
 * the response and retry a limited number of times; a lasting mismatch is a
 * bug, not noise.
 */
const INTEGRITY_ATTEMPTS = 3;

/** Transient failures (429, 5xx) are retried by gaxios, POSTs included. */
const RETRY_CONFIG = {
  retry: 3,
  httpMethodsToRetry: ['GET', 'POST'],
  statusCodesToRetry: [
    [429, 429],
    [500, 599],
  ],
};

/** @public */
export type CloudKmsKeyEncryptionKeyOptions = {
  /** The CryptoKey: `projects/P/locations/L/keyRings/R/cryptoKeys/K`. */
  keyName: string;
  /**
   * Credentials: `createDefaultAuth()` in production, `testAuthClient()` in
   * tests. Both send through native fetch.
   */
  authClient: AuthClient | GoogleAuth;
  /** Another endpoint than `https://cloudkms.googleapis.com`, for a fake. */
  apiEndpoint?: string;
};

type CryptoKeyResource = {
  name?: string;
  purpose?: string;
  primary?: { name?: string; state?: string };
};

type EncryptResponse = {
  name?: string;
  ciphertext?: string;
  ciphertextCrc32c?: string;
  verifiedPlaintextCrc32c?: boolean;
  verifiedAdditionalAuthenticatedDataCrc32c?: boolean;
};

type DecryptResponse = {
  plaintext?: string;
  plaintextCrc32c?: string;
};

/** The parts of a gaxios error this class reads. */
type GoogleApiError = {
  status?: number;
  response?: {
    status?: number;
    data?: { error?: { message?: string; status?: string } };
  };
};

/** What a call was for, in the words of an error message. */
type Call = {
  /** `read`, `encrypt with`, `decrypt with`. */
  action: string;
  /** The role that allows it on the key. */
  role: string;
};
/** Cloud KMS found that a request's data does not match its checksum. */
class ChecksumRefusedError extends Error {}

const READ: Call = { action: 'read', role: 'roles/cloudkms.viewer' };
const ENCRYPT: Call = {
  action: 'encrypt with',
  role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
};
const DECRYPT: Call = {
  action: 'decrypt with',
  role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
};

/**
 * The personal data keychain's key-encryption key in Cloud KMS: a symmetric
 * (`ENCRYPT_DECRYPT`) CryptoKey, through the REST API. The key material
 * never leaves Cloud KMS; the keychain's secret is sent to be wrapped or
 * unwrapped when a backend starts and when the key rotates.
 *
 * Key ids are key version names. A rotation (automatic or by hand) makes a
 * new primary version; {@link CloudKmsKeyEncryptionKey.primaryKeyId} then
 * names it, the keychain rewraps its secret under it, and secrets wrapped
 * under older versions still unwrap as long as those versions are enabled.
 *
 * Every call carries CRC32C checksums and checks Cloud KMS's, as Google
 * documents, so a secret corrupted on the way is never stored or used.
 *
 * @public
 */
export class CloudKmsKeyEncryptionKey implements KeyEncryptionKey {
  readonly #keyName: string;
  readonly #auth: AuthClient | GoogleAuth;
  readonly #endpoint: string;

  constructor(options: CloudKmsKeyEncryptionKeyOptions) {
    if (!CRYPTO_KEY_NAME.test(options.keyName)) {
      throw new Error(
        `Not a Cloud KMS CryptoKey name: '${options.keyName}'; expected projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`,
      );
    }
    this.#keyName = options.keyName;
    this.#auth = options.authClient;
    this.#endpoint = (
      options.apiEndpoint ?? 'https://cloudkms.googleapis.com'
    ).replace(/\/+$/, '');
  }

  async primaryKeyId(): Promise<string> {
    const key = await this.#call<CryptoKeyResource>({
      name: this.#keyName,
      call: READ,
    });
    if (key.purpose !== 'ENCRYPT_DECRYPT') {
      throw new Error(
        `Cloud KMS key ${this.#keyName} has purpose ${
          key.purpose
        }; the personal data keychain needs a symmetric key (purpose ENCRYPT_DECRYPT)`,
      );
    }
    const primary = key.primary;
    if (!primary?.name) {
      throw new Error(
        `Cloud KMS key ${
          this.#keyName
        } has no primary version: make an enabled version primary (gcloud kms keys set-primary-version)`,
      );
    }
    if (primary.state !== 'ENABLED') {
      throw new Error(
        `The primary version of Cloud KMS key ${this.#keyName}, ${
          primary.name
        }, is ${primary.state}: enable it or make an enabled version primary`,
      );
    }
    return primary.name;
  }

  async wrap(secret: Buffer): Promise<WrappedSecret> {
    const body = {
      plaintext: secret.toString('base64'),
      plaintextCrc32c: crc32c(secret),
      ...KEYCHAIN_SECRET_AAD_FIELDS,
    };
    const { keyId, wrapped } = await this.#untilIntact(
      `wrap the keychain secret with Cloud KMS key ${this.#keyName}`,
      async () => {
        const response = await this.#call<EncryptResponse>({
          name: this.#keyName,
          verb: 'encrypt',
          body,
          call: ENCRYPT,
        });
        if (
          !response.verifiedPlaintextCrc32c ||
          !response.verifiedAdditionalAuthenticatedDataCrc32c
        ) {
          return 'Cloud KMS did not verify the checksums of the request';
        }
        const ciphertext = Buffer.from(response.ciphertext ?? '', 'base64');
        if (crc32c(ciphertext) !== response.ciphertextCrc32c) {
          return 'the ciphertext does not match its checksum';
        }
        return { keyId: response.name ?? '', wrapped: ciphertext };
      },
    );
    if (!keyId.startsWith(`${this.#keyName}/cryptoKeyVersions/`)) {
      // Google's advice: check that the intended key did the work.
      throw new Error(
        `Cloud KMS encrypted with '${keyId}', not a version of ${
          this.#keyName
        }`,
      );
    }
    return { keyId, wrapped };
  }

  async unwrap(secret: WrappedSecret): Promise<Buffer> {
    const keyName = VERSION_NAME.exec(secret.keyId)?.[1];
    if (!keyName) {
      throw new Error(
        `The keychain secret was wrapped under '${secret.keyId}', which is not a Cloud KMS key version: another key-encryption key wrapped it`,
      );
    }
    // Decrypt goes to the key, not the version: Cloud KMS finds the version
    // in the ciphertext. The key is the one the id names, so secrets
    // wrapped before keyName moved to another key still unwrap.
    const body = {
      ciphertext: secret.wrapped.toString('base64'),
      ciphertextCrc32c: crc32c(secret.wrapped),
      ...KEYCHAIN_SECRET_AAD_FIELDS,
    };
    return this.#untilIntact(
      `unwrap the keychain secret with Cloud KMS key ${keyName}`,
      async () => {
        const response = await this.#call<DecryptResponse>({
          name: keyName,
          verb: 'decrypt',
          body,
          call: DECRYPT,
          wrappedUnder: secret.keyId,
        });
        // A decrypt response has no verified flags: Cloud KMS refuses a
        // request whose checksums do not match (INVALID_ARGUMENT) instead.
        const plaintext = Buffer.from(response.plaintext ?? '', 'base64');
        return crc32c(plaintext) === response.plaintextCrc32c
          ? plaintext
          : 'the plaintext does not match its checksum';
      },
    );
  }

  /**
   * Runs a call until its data arrives intact: `attempt` answers a
   * sentence saying what was corrupted, or the result. Requests Cloud KMS
   * refused for a checksum are tried again too.
   */
  async #untilIntact<T extends object>(
    what: string,
    attempt: () => Promise<T | string>,
  ): Promise<T> {
    let problem = '';
    for (let tries = 1; tries <= INTEGRITY_ATTEMPTS; tries++) {
      try {
        const result = await attempt();
        if (typeof result !== 'string') return result;
        problem = result;
      } catch (error) {
        if (!(error instanceof ChecksumRefusedError)) throw error;
        problem = error.message;
      }
    }
    throw new Error(
      `Could not ${what}: ${problem}, in ${INTEGRITY_ATTEMPTS} attempts; data is corrupted between this backend and Cloud KMS`,
    );
  }

  async #call<T>(options: {
    name: string;
    /** A custom method (`encrypt`): POST to `name:verb`; else GET `name`. */
    verb?: string;
    body?: object;
    call: Call;
    /** For decrypt: the key version id the secret was wrapped under. */
    wrappedUnder?: string;
  }): Promise<T> {
    const { name, verb, body } = options;
    try {
      const { data } = await this.#auth.request<T>({
        url: `${this.#endpoint}/v1/${name}${verb ? `:${verb}` : ''}`,
        method: verb ? 'POST' : 'GET',
        ...(body ? { data: body } : {}),
        retryConfig: RETRY_CONFIG,
      });
      return data;
    } catch (error) {
      const google = (error as GoogleApiError).response?.data?.error;
      if (
        google?.status === 'INVALID_ARGUMENT' &&
        /checksum/i.test(google.message ?? '')
      ) {
        throw new ChecksumRefusedError(google.message!);
      }
      throw new Error(describeFailure(error, options), { cause: error });
    }
  }
}

/** A failed call in words that say what to do about it. */
function describeFailure(
  error: unknown,
  options: { name: string; call: Call; wrappedUnder?: string },
): string {
  const { name, call, wrappedUnder } = options;
  const failure = error as GoogleApiError;
  const httpStatus = failure.response?.status ?? failure.status;
  const google = failure.response?.data?.error;
  const said = google?.message ?? String((error as Error)?.message ?? error);
  if (httpStatus === 404) {
    return `Cloud KMS key ${name} was not found (${said}). deliveryPipeline.gcp.kms.keyName must name an existing key: projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`;
  }
  if (httpStatus === 403) {
    return `This backend's Google identity may not ${call.action} Cloud KMS key ${name} (${said}). Grant it ${call.role} on the key`;
  }
  if (google?.status === 'FAILED_PRECONDITION') {
    return `Cloud KMS cannot ${call.action} key ${name} (${said}): enable the key version again; a destroyed one cannot be`;
  }
  if (wrappedUnder && httpStatus === 400) {
    return `Cloud KMS could not unwrap the keychain secret wrapped under ${wrappedUnder} (${said}): it was changed since it was wrapped, or was not wrapped by this pipeline's keychain`;
  }
  return `Could not ${call.action} Cloud KMS key ${name}: ${
    httpStatus ?? 'no answer'
  } ${said}`;
}
