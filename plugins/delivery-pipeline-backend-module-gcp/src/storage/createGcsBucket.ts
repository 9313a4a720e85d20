import { InputError } from '@backstage/errors';
import {
  Bucket,
  IdempotencyStrategy,
  Storage,
  StorageOptions,
} from '@google-cloud/storage';
import { AuthClient, GoogleAuth } from 'google-auth-library';

/**
 * Options for {@link createGcsBucket}.
 *
 * @public
 */
export type CreateGcsBucketOptions = {
  /** The bucket's name. */
  bucket: string;
  /** Undefined: the project of the credentials. */
  projectId?: string;
  /** Credentials: `createDefaultAuth()` in production, `testAuthClient()` in tests. */
  authClient: AuthClient | GoogleAuth;
  /**
   * Another endpoint than `https://storage.googleapis.com`, e.g.
   * `http://127.0.0.1:4443`. Resumable uploads to an endpoint outside
   * googleapis.com are sent without credentials (a limit of the client).
   */
  apiEndpoint?: string;
  /**
   * Overrides of the client's retry settings, delays in seconds
   * (`maxRetryDelay` at least 1). The idempotency strategy stays
   * `RetryConditional` unless given.
   */
  retryOptions?: StorageOptions['retryOptions'];
};

type StorageInterceptor = Storage['interceptors'][number];

/**
 * A Cloud Storage bucket handle with the settings the partition storage
 * relies on.
 *
 * Retries: the client retries 408, 429 and 5xx with exponential backoff, but
 * under `RetryConditional` only requests that are idempotent: reads always,
 * uploads and deletes only when they carry `ifGenerationMatch`. The
 * partition storage sends every upload and delete with one, so all of its
 * requests are retried. (Requests without a precondition would make the
 * client switch `autoRetry` off on the shared `Storage` object while they
 * run, silencing retries for concurrent requests too.)
 *
 * @public
 */
export function createGcsBucket(options: CreateGcsBucketOptions): Bucket {
  const maxRetryDelay = options.retryOptions?.maxRetryDelay;
  if (maxRetryDelay !== undefined && maxRetryDelay < 1) {
    // `File.save` retries through async-retry with a fixed 1 s minimum
    // delay, and refuses to run at all when the maximum is below it.
    throw new InputError(
      `retryOptions.maxRetryDelay is in seconds and must be at least 1; got ${maxRetryDelay}`,
    );
  }
  const storage = new Storage({
    projectId: options.projectId,
    authClient: options.authClient,
    apiEndpoint: options.apiEndpoint,
    // A custom endpoint otherwise gets no Authorization header at all.
    useAuthWithCustomEndpoint: true,
    retryOptions: {
      autoRetry: true,
      idempotencyStrategy: IdempotencyStrategy.RetryConditional,
      ...options.retryOptions,
    },
  });
  if (options.apiEndpoint) {
    // For an endpoint outside googleapis.com (an emulator, the tests' fake)
    // the client sends resumable uploads through gaxios's bare default
    // instance: without credentials (it does not pass
    // `useAuthWithCustomEndpoint` on to the upload) and through `node-fetch`,
    // loaded with a dynamic import that Jest cannot run. Interceptors are
    // the one setting those requests take, so route them through native
    // fetch like every other request of this module.
    const nativeFetch: StorageInterceptor = {
      request: reqOpts =>
        Object.assign(reqOpts, {
          fetchImplementation: (input: RequestInfo | URL, init?: RequestInit) =>
            globalThis.fetch(input, init),
        }) as ReturnType<StorageInterceptor['request']>,
    };
    storage.interceptors.push(nativeFetch);
  }
  return storage.bucket(options.bucket);
}
