import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Bucket, CRC32C, File } from '@google-cloud/storage';
import {
  checkPartitionPath,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { createHash } from 'node:crypto';
import { httpStatusOf } from './gcsErrors';
import {
  checkObjectName,
  contentTypeFor,
  normalizeObjectPrefix,
} from './objectNames';

/**
 * Options for {@link GcsPartitionStorage}.
 *
 * @public
 */
export type GcsPartitionStorageOptions = {
  /** The bucket, e.g. from `createGcsBucket`. */
  bucket: Bucket;
  /** A folder in the bucket for all partitions, e.g. `delivery-pipeline/`. */
  prefix?: string;
  /**
   * Objects of at least this many bytes go up as resumable uploads, smaller
   * ones in a single request. Default 8 MiB.
   */
  resumableThresholdBytes?: number;
  /**
   * The size of each request of a resumable upload: the most that has to be
   * sent again when one fails. A multiple of 256 KiB; default 8 MiB.
   */
  resumableChunkBytes?: number;
  /** How often a write or delete re-reads and tries again after a 412. Default 5. */
  maxPreconditionAttempts?: number;
  /** Results per list request; Cloud Storage's maximum is 1000. */
  listPageSize?: number;
  logger?: LoggerService;
};

const MIB = 1024 * 1024;
const RESUMABLE_CHUNK_GRANULARITY = 256 * 1024;

/** What the storage needs to know about the object currently at a name. */
type ObjectState = {
  generation: number;
  size: number;
  crc32c?: string;
  md5Hash?: string;
};

/** What a write wants the object to become. */
type Wanted = { size: number; crc32c: string; md5Hash: string };

/**
 * Partitions as objects in a Cloud Storage bucket, named `prefix + path` in
 * the same layout the local storage uses for files.
 *
 * Every upload and delete is conditional on the generation it read just
 * before (`ifGenerationMatch`, 0 meaning "no object"). That makes each request
 * apply at most once, and only on top of exactly the object that was seen, so:
 * - the client may retry it after a timeout, a 429 or a 5xx (it does so only
 *   for conditional requests). If the first attempt did land and only its
 *   response was lost, the retry finds a newer generation and fails with 412
 *   instead of writing a second time; a duplicate that arrives late can never
 *   overwrite, or delete, a newer write that happened after it;
 * - a 412 therefore means "the object changed since it was read": by another
 *   writer, or by our own attempt whose response never came back. The write
 *   then reads the object again; if it already holds our bytes (same size,
 *   CRC32C and MD5), our write is in place and we are done, otherwise it
 *   uploads again on top of the new generation, since a write replaces.
 *
 * Uploads carry the CRC32C and MD5 of the bytes in the object's metadata, so
 * Cloud Storage refuses an upload that arrived damaged before it becomes
 * visible. A resolved upload is durable: Cloud Storage acknowledges an object
 * only once it is stored redundantly.
 *
 * @public
 */
export class GcsPartitionStorage implements PartitionStorage {
  readonly #bucket: Bucket;
  readonly #prefix: string;
  readonly #resumableThresholdBytes: number;
  readonly #resumableChunkBytes: number;
  readonly #maxPreconditionAttempts: number;
  readonly #listPageSize: number;
  readonly #logger?: LoggerService;

  constructor(options: GcsPartitionStorageOptions) {
    this.#bucket = options.bucket;
    this.#prefix = normalizeObjectPrefix(options.prefix);
    this.#resumableThresholdBytes = options.resumableThresholdBytes ?? 8 * MIB;
    this.#resumableChunkBytes = options.resumableChunkBytes ?? 8 * MIB;
    this.#maxPreconditionAttempts = options.maxPreconditionAttempts ?? 5;
    this.#listPageSize = options.listPageSize ?? 1000;
    this.#logger = options.logger;
    if (
      this.#resumableChunkBytes <= 0 ||
      this.#resumableChunkBytes % RESUMABLE_CHUNK_GRANULARITY !== 0
    ) {
      // Cloud Storage keeps only whole 256 KiB units of a non-final chunk.
      throw new InputError(
        `resumableChunkBytes must be a positive multiple of 256 KiB; got ${
          this.#resumableChunkBytes
        }`,
      );
    }
  }

  async write(objectPath: string, content: Buffer): Promise<void> {
    const name = this.#objectName(objectPath);
    const file = this.#bucket.file(name);
    const url = this.url(objectPath);
    const crc32c = new CRC32C();
    crc32c.update(content);
    const wanted: Wanted = {
      size: content.length,
      crc32c: crc32c.toString(),
      md5Hash: createHash('md5').update(content).digest('base64'),
    };
    const resumable = content.length >= this.#resumableThresholdBytes;
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      const current = await this.#stat(file);
      // Our bytes are already there: written before, or by a failed attempt
      // whose response was lost (see the class comment).
      if (current && holds(current, wanted)) {
        return;
      }
      if (lastError !== undefined) {
        if (httpStatusOf(lastError) !== 412) {
          throw lastError;
        }
        if (attempt > this.#maxPreconditionAttempts) {
          throw new ConflictError(
            `${url} kept changing while it was written; gave up after ${
              this.#maxPreconditionAttempts
            } attempts`,
            lastError,
          );
        }
        const generation = current?.generation ?? 0;
        this.#logger?.debug(
          `${url} changed while it was written; writing again on top of generation ${generation}`,
        );
      }
      try {
        await file.save(content, {
          resumable,
          ...(resumable && { chunkSize: this.#resumableChunkBytes }),
          metadata: {
            contentType: contentTypeFor(name),
            crc32c: wanted.crc32c,
            md5Hash: wanted.md5Hash,
          },
          preconditionOpts: { ifGenerationMatch: current?.generation ?? 0 },
          // Cloud Storage checks the hashes in the metadata before it
          // commits. The client's own check runs after the commit and, on a
          // mismatch, deletes the object without a precondition, which could
          // remove a newer object of another writer.
          validation: false,
        });
        return;
      } catch (error) {
        lastError = error;
      }
    }
  }

  async read(objectPath: string): Promise<Buffer> {
    const file = this.#bucket.file(this.#objectName(objectPath));
    try {
      const [content] = await file.download({ validation: 'crc32c' });
      return content;
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        throw new NotFoundError(`No object at ${this.url(objectPath)}`);
      }
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const folder = checkPartitionPath(prefix, { folder: true });
    const objectPrefix = this.#prefix + (folder ? `${folder}/` : '');
    const found: string[] = [];
    let pageToken: string | undefined;
    do {
      const [files, nextQuery] = await this.#bucket.getFiles({
        prefix: objectPrefix,
        autoPaginate: false,
        maxResults: this.#listPageSize,
        pageToken,
      });
      for (const file of files) {
        // Names ending in '/' are folder placeholders made by the console.
        if (!file.name.endsWith('/')) {
          found.push(file.name.slice(this.#prefix.length));
        }
      }
      pageToken = (nextQuery as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    return found.sort();
  }

  async delete(objectPath: string): Promise<void> {
    const file = this.#bucket.file(this.#objectName(objectPath));
    for (let attempt = 1; ; attempt++) {
      const current = await this.#stat(file);
      if (!current) {
        return;
      }
      try {
        // Conditional, so that a retried or late duplicate never deletes a
        // newer object written after it.
        await file.delete({
          ifGenerationMatch: current.generation,
          ignoreNotFound: true,
        });
        return;
      } catch (error) {
        if (
          httpStatusOf(error) !== 412 ||
          attempt >= this.#maxPreconditionAttempts
        ) {
          throw error;
        }
      }
    }
  }

  url(objectPath: string): string {
    return `gs://${this.#bucket.name}/${this.#objectName(objectPath)}`;
  }

  #objectName(objectPath: string): string {
    return checkObjectName(this.#prefix + checkPartitionPath(objectPath));
  }

  /** The object currently at a name, or undefined when there is none. */
  async #stat(file: File): Promise<ObjectState | undefined> {
    try {
      const [metadata] = await file.getMetadata();
      return {
        generation: Number(metadata.generation),
        size: Number(metadata.size),
        crc32c: metadata.crc32c,
        md5Hash: metadata.md5Hash,
      };
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }
}

/** Whether an object already holds exactly the wanted bytes. */
function holds(current: ObjectState, wanted: Wanted): boolean {
  return (
    current.size === wanted.size &&
    current.crc32c === wanted.crc32c &&
    // Composite objects have no MD5; CRC32C and size then decide.
    (current.md5Hash === undefined || current.md5Hash === wanted.md5Hash)
  );
}
