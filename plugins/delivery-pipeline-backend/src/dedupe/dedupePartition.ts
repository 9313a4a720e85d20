import { LoggerService } from '@backstage/backend-plugin-api';
import { isError, NotFoundError } from '@backstage/errors';
import {
  DeliveredPartition,
  PartitionStorage,
} from '@internal/plugin-delivery-pipeline-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DelayHistogram } from './DelayHistogram';
import { Chunk, KeepOptions, KeptLines, ScannedFile } from './fileTasks';
import { FileWorkers } from './fileWorkers';
import { GzipParts } from './GzipParts';
import { hashBytes, hashOut, hashUuid, mixKeyHash } from './hash';
import {
  BucketTables,
  DecodedKey,
  decodeKey,
  KeyEncoder,
  readVarint,
  SOURCE_LIMITS,
  SourceDictionary,
  UUID_ENTRY,
  uuidSlotHash,
  varintEnd,
} from './keys';
import {
  KEYS_FORMAT,
  KeysFilesWriter,
  KeysManifest,
  readKeysFile,
  readSourcesFile,
} from './keysFiles';
import {
  BLANK,
  COLD_FIELDS,
  COLD_ID_END,
  COLD_ID_START,
  COLD_SOURCE_END,
  COLD_SOURCE_START,
  HAS_DELAY,
  ID_EXTRA,
  ID_IS_UUID,
  LINE_C1,
  LINE_C2,
  LINE_DELAY,
  LINE_END,
  LINE_FIELDS,
  LINE_FLAGS,
  LINE_H1,
  LINE_H2,
  LINE_SOURCE,
  LINE_START,
  LINE_UUID,
  MALFORMED,
  SOURCE_EXTRA,
  SOURCE_SEED,
} from './lineLayout';
import {
  DELIVERED,
  EVENT,
  NO_DELAY,
  PRIOR,
  readSpillFile,
  SpillRecord,
  SpillWriter,
} from './spillFiles';

/**
 * The deduper's engine: turns the raw files of a closed partition into a
 * delivered partition in which every `(source, id)` appears once.
 *
 * How it goes, and why:
 *
 * - Work on a raw file that does not need other files' keys runs in worker
 *   threads (fileTasks.ts, dedupeWorker.ts), several files at once:
 *   inflating it, scanning each line (scanLine.ts: only the top-level id,
 *   source and time, no JSON.parse) and hashing its content and key; then,
 *   once the main thread has decided which lines to drop, gathering the
 *   others, unchanged, and deflating them into chunks that are concatenated
 *   into the delivered files (GzipParts.ts), and hashing those files. The
 *   main thread reads and writes storage, and looks every key up in raw
 *   order, reading one 64-byte record per line: the first event of a key
 *   wins. Why: measured on the bench data (~305-byte lines), JSON.parse
 *   alone costs ~1.5 us per event, gunzip ~0.45 us and gzip level 1 ~1.05
 *   us, the scan and hashes ~0.4 us, a key lookup ~0.3 us. On 2 cores the
 *   CPU time per event is what counts, so the work that can go anywhere
 *   goes to workers (as many as cores, at most 4), keeping both cores busy
 *   while the main thread, the only one that must see every key in order,
 *   does as little as it can. gzip alone, with nothing else, peaks at ~1.2
 *   million events/s here (the bench's "zlib floor"), so that is the bound
 *   on this machine for level 1 output; `compressionLevel` 0 lifts it.
 *
 * - Keys live in 256 hash tables (buckets, chosen by the key's hash) of
 *   compactly encoded exact keys (keys.ts): a dictionary source and a UUID
 *   id, nearly every key, take 28 bytes of entry plus their slot, ~40 bytes
 *   in all. After each file their memory is compared with `maxMemoryBytes`;
 *   above it, the largest buckets move to spill files (their keys, then
 *   every later key that hashes to them) until memory is 3/4 of the bound.
 *   From then on the events of the remaining files are only scanned: those
 *   of buckets in memory are decided at once, the others when their bucket
 *   is read back, one bucket at a time (split further by more hash bits if
 *   one bucket alone would not fit). The decisions go into a bitmap by
 *   event number, and a last pass reads those raw files again and writes
 *   the kept lines. So the output is in raw order whatever the memory
 *   bound: the same files, byte for byte, and the same checksum, spilled or
 *   not. An hour larger than memory costs one more read of the raw files
 *   after the spill began, and its keys written and read once.
 *
 * - Lookback: the keys of earlier partitions come from their key files
 *   (keysFiles.ts) and enter the tables first, as keys that were delivered
 *   before, so an event with one of them is dropped.
 *
 * - Duplicates (resends: same key and same content, the line without its
 *   receivedAt) and conflicts (same key, other content) are told apart by a
 *   64-bit hash of the content, kept with each key.
 *
 * - Lines that cannot be read (not an object, no string id or source) should
 *   not exist, because ingest checked every event; they are delivered
 *   unchanged, counted as malformed and logged, never dropped: losing an
 *   event is worse than delivering an odd one. Blank lines are skipped.
 *
 * - Output: `part-NNNNN.ndjson.gz` files, the key files (`_keys-sources.bin`,
 *   `_keys-NNNNN.bin`), and `_manifest.json` last. The old manifest is
 *   deleted first, and files of an earlier attempt that the new manifest
 *   does not list are deleted before it is written. Key files list keys
 *   bucket by bucket, in order of first occurrence: the same bytes spilled
 *   or not, unless a spilled bucket had to be split further, which lists
 *   its keys part by part (the same keys).
 */
export type DedupeOptions = {
  storage: PartitionStorage;
  /** The partition: start and end in milliseconds since the epoch. */
  partition: { eventType: string; start: number; end: number };
  /**
   * Raw file paths of the partition, in the order they were written: the
   * first event of each key wins.
   */
  rawFiles: string[];
  /**
   * Delivered folders of earlier partitions of the same type within the
   * lookback; a key delivered there makes an event here a duplicate.
   * Folders without a manifest are skipped.
   */
  lookbackFolders: string[];
  /** Where to write, e.g. `delivered/<type>/2026-11-23/10`. */
  outputFolder: string;
  /**
   * Bound on the memory used for keys; above it, keys spill to disk (up to
   * 70% of it is taken at once, sized from the first raw file). Other memory
   * comes on top: files being worked on (~10 MB each, 3 per worker), the
   * worker threads themselves, delivered files and key files being written
   * (up to 2 of each). On the bench, 10 million events with a bound of 512
   * MiB peak at ~0.9 GB RSS.
   */
  maxMemoryBytes: number;
  /** Where spill files go (in a temporary folder, removed afterwards). */
  spillDirectory: string;
  /** Receives warnings about malformed lines and skipped folders. */
  logger?: LoggerService;
  /** Uncompressed bytes per delivered file; 64 MiB by default. */
  maxFileBytes?: number;
  /**
   * gzip level of delivered files, 0 to 9; by default 1, the fastest that
   * compresses (~4.7 times on the bench data). Deflating is the largest
   * part of the deduper's work; 0 stores the lines uncompressed (still
   * gzip files), ~5 times larger, which is faster only where writing them
   * is not the bottleneck (see bench/dedupe.bench.mjs --stored-too).
   */
  compressionLevel?: number;
  /**
   * Worker threads for the work on files (by default as many as there are
   * cores, at most 4; none for a single raw file); 0 runs it in the calling
   * thread. Fewer leave more CPU to ingest in the same process.
   */
  workerThreads?: number;
  /** @internal Knobs for tests. */
  tuning?: DedupeTuning;
};

/** @internal */
export type DedupeTuning = {
  /** Lines of small files are gathered up to this many bytes (2 MiB). */
  gatherBytes?: number;
  /** Bytes per key file (32 MiB). */
  keysFileBytes?: number;
  /** Smallest spilled bucket that is split when it does not fit (4096). */
  minSplitRecords?: number;
  /** Files being worked on by the workers at once (3 per worker). */
  readAhead?: number;
  /** Files keeping fewer bytes are compressed together (256 KiB). */
  smallFileBytes?: number;
};

export type DedupeResult = {
  /** Lines read from the raw files (blank lines are not counted). */
  received: number;
  delivered: number;
  /** Events with the key and content of an earlier event: plain resends. */
  duplicates: number;
  /** Events with the key of an earlier event but other content. */
  conflicts: number;
  /** Lines without a readable key, delivered as they were. */
  malformed: number;
  /**
   * Receive time minus `time` over delivered events with a parseable
   * `time`; delays below 0 (client clock ahead) count as 0. Percentiles are
   * within 1% (see DelayHistogram).
   */
  clientDelayMs?: { p50: number; p95: number; max: number };
  /** Whether keys went to disk. */
  spilled: boolean;
  partition: DeliveredPartition;
};

/** Format of `_manifest.json`. */
export const MANIFEST_FORMAT = 'delivery-pipeline-delivered/1';

/** `_manifest.json`, written last: the partition is delivered once it exists. */
export type DeliveredManifest = {
  format: typeof MANIFEST_FORMAT;
  eventType: string;
  /** ISO 8601 start (inclusive) and end (exclusive) of receive time. */
  start: string;
  end: string;
  /** The event attributes that make the deduplication key. */
  key: ['source', 'id'];
  counts: {
    received: number;
    delivered: number;
    duplicates: number;
    conflicts: number;
    malformed: number;
  };
  clientDelayMs?: { p50: number; p95: number; max: number };
  /** The files of events, in order; see DeliveredFile. */
  files: Array<{ path: string; events: number; bytes: number; sha256: string }>;
  /**
   * `sha256:` and the digest of the files' sha256 values, each followed by
   * a newline.
   */
  checksum: string;
  /** The key files, for lookback from later partitions (keysFiles.ts). */
  keys: KeysManifest;
};

export const MANIFEST_NAME = '_manifest.json';

/**
 * The manifest of the delivered partition in `folder`; undefined when there
 * is none (not delivered yet, or deleted by retention).
 */
export async function readManifest(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredManifest | undefined> {
  const manifestPath = `${folder.replace(/\/+$/, '')}/${MANIFEST_NAME}`;
  try {
    return JSON.parse((await storage.read(manifestPath)).toString('utf8'));
  } catch (error) {
    if (isError(error) && error.name === NotFoundError.name) return undefined;
    throw error;
  }
}

const DEFAULT_FILE_BYTES = 64 * 1024 * 1024;
const DEFAULT_GATHER_BYTES = 2 * 1024 * 1024;
const DEFAULT_KEYS_FILE_BYTES = 32 * 1024 * 1024;
const DEFAULT_MIN_SPLIT_RECORDS = 4096;
const DEFAULT_SMALL_FILE_BYTES = 256 * 1024;
const MAX_WORKERS = 4;

const BUCKET_BITS = 8;
const BUCKETS = 1 << BUCKET_BITS;
/** Sub-buckets per split of a spilled bucket, and how often one may split. */
const SPLIT_BITS = 4;
const MAX_SPLIT_DEPTH = 4;
/** Lines decided per batch (see #decide). */
const DECIDE_BATCH = 256;
/** What #decideOther returns for an event sent to a spill file. */
const SPILLED = -2;
/** A worker's source we have not numbered yet (see #sourceMaps). */
const NOT_NUMBERED = -2;
const DEFAULT_COMPRESSION_LEVEL = 1;
/** Spill file bytes -> memory once loaded, roughly. */
const SPILL_MEMORY_FACTOR = 2;
/** Examples of malformed lines logged. */
const MALFORMED_EXAMPLES = 5;

class DedupeRun {
  readonly #options: DedupeOptions;
  readonly #storage: PartitionStorage;
  readonly #folder: string;
  readonly #maxMemory: number;
  readonly #minSplitRecords: number;
  readonly #readAhead: number;
  readonly #keepOptions: KeepOptions;
  readonly #gatherBytes: number;
  readonly #workers: FileWorkers;

  readonly #sources = new SourceDictionary(SOURCE_LIMITS);
  readonly #encoder = new KeyEncoder(this.#sources);
  /** Per bucket: its keys, or undefined once it is spilled. */
  readonly #buckets: Array<BucketTables | undefined> = [];
  /**
   * Per worker: its numbers of sources -> ours (in #sources), -1 for a
   * source not in our dictionary, NOT_NUMBERED for one not yet met in raw
   * order (its text is in #pendingSources).
   */
  readonly #sourceMaps: Int32Array[] = [];
  readonly #pendingSources: Array<Array<Uint8Array | undefined>> = [];
  readonly #delays = new DelayHistogram();
  readonly #parts: GzipParts;
  readonly #keys: KeysFilesWriter;

  #received = 0;
  #duplicates = 0;
  #conflicts = 0;
  #malformed = 0;
  readonly #malformedExamples: string[] = [];

  /** Events numbered in raw order over all files. */
  #seq = 0;
  /** Per raw file: the number of its first event, and how many it has. */
  readonly #fileFirstSeq: number[] = [];
  readonly #fileEvents: number[] = [];

  // Output, in raw order: what each file keeps, then small files gathered.
  readonly #outputs: Array<{ kept: Promise<KeptLines>; events: number }> = [];
  #gathered: Uint8Array[] = [];
  #gatheredBytes = 0;
  #gatheredEvents = 0;

  // Spilling.
  #spillFolder?: string;
  readonly #spillWriters: Array<SpillWriter | undefined> = [];
  #spillFiles = 0;
  /** Files from this one on are written by the last pass. */
  #deferFromFile = -1;
  #deferFromSeq = 0;
  /** Bit per event from #deferFromSeq: set when dropped. */
  #dropped = new Uint8Array(1024);

  constructor(options: DedupeOptions) {
    const { partition, maxMemoryBytes, tuning } = options;
    if (!(maxMemoryBytes > 0)) {
      throw new TypeError('maxMemoryBytes must be a positive number');
    }
    if (!(partition.end > partition.start)) {
      throw new TypeError('The partition must end after it starts');
    }
    this.#options = options;
    this.#storage = options.storage;
    this.#folder = options.outputFolder.replace(/\/+$/, '');
    this.#maxMemory = maxMemoryBytes;
    this.#minSplitRecords =
      tuning?.minSplitRecords ?? DEFAULT_MIN_SPLIT_RECORDS;
    const workers =
      options.workerThreads ??
      (options.rawFiles.length > 1
        ? Math.min(MAX_WORKERS, os.availableParallelism())
        : 0);
    this.#readAhead = Math.max(
      1,
      tuning?.readAhead ?? 3 * Math.max(1, workers),
    );
    this.#keepOptions = {
      smallBytes: tuning?.smallFileBytes ?? DEFAULT_SMALL_FILE_BYTES,
      level: options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL,
    };
    this.#gatherBytes = tuning?.gatherBytes ?? DEFAULT_GATHER_BYTES;
    this.#workers = new FileWorkers(workers);
    for (let b = 0; b < BUCKETS; b++) this.#buckets.push(new BucketTables());
    this.#parts = new GzipParts({
      storage: this.#storage,
      folder: this.#folder,
      fileBytes: options.maxFileBytes ?? DEFAULT_FILE_BYTES,
      sha256: async bytes => {
        const owned = ownedBytes(bytes);
        const result = await this.#workers.run<{
          bytes: Uint8Array;
          sha256: string;
        }>({ type: 'sha256', bytes: owned }, [owned.buffer as ArrayBuffer]);
        return {
          bytes: Buffer.from(
            result.bytes.buffer,
            result.bytes.byteOffset,
            result.bytes.byteLength,
          ),
          sha256: result.sha256,
        };
      },
    });
    this.#keys = new KeysFilesWriter({
      storage: this.#storage,
      folder: this.#folder,
      maxBytes: tuning?.keysFileBytes ?? DEFAULT_KEYS_FILE_BYTES,
    });
  }

  async run(): Promise<DedupeResult> {
    const { partition } = this.#options;
    // From here until the new manifest is written, the folder is incomplete.
    await this.#storage.delete(`${this.#folder}/${MANIFEST_NAME}`);
    await this.#loadLookback();

    await this.#forEachRawFile(
      0,
      compressed =>
        this.#workers
          .run<ScannedFile>({ type: 'scan', compressed }, [
            compressed.buffer as ArrayBuffer,
          ])
          .then(scanned => {
            // Now, in the order the worker numbered them: see #declareSources.
            this.#declareSources(scanned);
            return scanned;
          }),
      async (scanned, index) => {
        if (index === 0) this.#reserve(scanned.lineCount);
        this.#fileFirstSeq[index] = this.#seq;
        if (this.#deferFromFile < 0) {
          const firstSeq = this.#seq;
          const { drops, dropCount, dropped } = this.#decide(scanned, false);
          this.#output(
            this.#workers.run<KeptLines>(
              {
                type: 'keep',
                text: scanned.text,
                drops,
                dropCount,
                options: { ...this.#keepOptions, compress: false },
              },
              [scanned.text.buffer as ArrayBuffer, drops.buffer as ArrayBuffer],
            ),
            this.#seq - firstSeq - dropped,
          );
          await this.#drainOutputs(this.#readAhead);
        } else {
          this.#decide(scanned, true);
        }
        this.#fileEvents[index] = this.#seq - this.#fileFirstSeq[index];
        this.#checkMemory(index + 1);
      },
    );

    // Every bucket's keys to the key files, in bucket order; spilled buckets
    // are decided now, one at a time.
    for (let b = 0; b < BUCKETS; b++) {
      await this.#keys.ready();
      const tables = this.#buckets[b];
      if (tables) {
        this.#addKeys(tables);
        this.#buckets[b] = undefined;
        continue;
      }
      const writer = this.#spillWriters[b]!;
      writer.close();
      this.#spillWriters[b] = undefined;
      this.#decideSpilled(writer, 0, b);
    }

    if (this.#deferFromFile >= 0) {
      await this.#forEachRawFile(
        this.#deferFromFile,
        (compressed, index) => {
          const { bits, dropped } = this.#droppedBitsOf(index);
          const kept = this.#workers.run<KeptLines>(
            {
              type: 'rewrite',
              compressed,
              bits,
              options: { ...this.#keepOptions, compress: false },
            },
            [compressed.buffer as ArrayBuffer, bits.buffer as ArrayBuffer],
          );
          kept.catch(() => {}); // Awaited by #drainOutputs.
          return Promise.resolve({
            kept,
            events: this.#fileEvents[index] - dropped,
          });
        },
        async ({ kept, events }) => {
          this.#output(kept, events);
          await this.#drainOutputs(this.#readAhead);
        },
      );
    }
    await this.#drainOutputs(0);
    this.#flushGathered();

    const files = await this.#parts.finish();
    const keys = await this.#keys.finish(this.#sources);
    await this.#removeStaleFiles([
      ...files.map(f => f.path),
      ...keys.files.map(f => f.path),
      ...(keys.sources ? [keys.sources.path] : []),
    ]);

    const delivered = this.#received - this.#duplicates - this.#conflicts;
    const checksumHash = createHash('sha256');
    for (const file of files) checksumHash.update(`${file.sha256}\n`);
    const checksum = `sha256:${checksumHash.digest('hex')}`;
    const clientDelayMs = this.#delays.summary();
    const counts = {
      received: this.#received,
      delivered,
      duplicates: this.#duplicates,
      conflicts: this.#conflicts,
      malformed: this.#malformed,
    };
    const manifest: DeliveredManifest = {
      format: MANIFEST_FORMAT,
      eventType: partition.eventType,
      start: new Date(partition.start).toISOString(),
      end: new Date(partition.end).toISOString(),
      key: ['source', 'id'],
      counts,
      ...(clientDelayMs ? { clientDelayMs } : {}),
      files,
      checksum,
      keys,
    };
    const manifestPath = `${this.#folder}/${MANIFEST_NAME}`;
    await this.#storage.write(
      manifestPath,
      Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    );

    if (this.#malformed > 0) {
      this.#options.logger?.warn(
        `Delivered ${this.#malformed} lines of ${
          partition.eventType
        } without a readable (source, id) as they were, without deduplicating them; for example ${this.#malformedExamples.join(
          ', ',
        )}`,
      );
    }

    return {
      ...counts,
      ...(clientDelayMs ? { clientDelayMs } : {}),
      spilled: this.#spillFiles > 0,
      partition: {
        eventType: partition.eventType,
        start: partition.start,
        end: partition.end,
        folder: this.#folder,
        files,
        manifestPath,
        events: delivered,
        checksum,
      },
    };
  }

  /**
   * Stops the workers, removes the spill files, and waits for writes under
   * way (after a failure).
   */
  async cleanUp(): Promise<void> {
    await Promise.allSettled(this.#outputs.map(output => output.kept));
    await this.#workers.close();
    for (const writer of this.#spillWriters) {
      try {
        writer?.close();
      } catch {
        // Being removed anyway.
      }
    }
    await this.#parts.settle();
    await this.#keys.settle();
    if (this.#spillFolder) {
      await fs.promises.rm(this.#spillFolder, { recursive: true, force: true });
    }
  }

  // ---------------------------------------------------------------------
  // Reading

  /**
   * Reads the raw files from `first` on and starts `start` on each, up to
   * readAhead at a time; calls `handle` with the results in file order.
   */
  async #forEachRawFile<T>(
    first: number,
    start: (compressed: Uint8Array, index: number) => Promise<T>,
    handle: (result: T, index: number) => Promise<void>,
  ): Promise<void> {
    const { rawFiles } = this.#options;
    const tasks = new Map<number, Promise<T>>();
    const begin = (index: number) => {
      if (index >= rawFiles.length || tasks.has(index)) return;
      // A copy, which moves to a worker: the storage may hold on to what
      // it returned (~1 MB, a fraction of a millisecond).
      const task = this.#storage
        .read(rawFiles[index])
        .then(compressed => start(new Uint8Array(compressed), index));
      task.catch(() => {}); // Awaited below; not unhandled meanwhile.
      tasks.set(index, task);
    };
    for (let index = first; index < rawFiles.length; index++) {
      for (let ahead = 0; ahead < this.#readAhead; ahead++) {
        begin(index + ahead);
      }
      const result = await tasks.get(index)!;
      tasks.delete(index);
      await handle(result, index);
    }
  }

  async #loadLookback(): Promise<void> {
    const { lookbackFolders, logger, partition } = this.#options;
    for (const folder of lookbackFolders) {
      const manifest = await readManifest(this.#storage, folder);
      if (!manifest) continue;
      if (manifest.keys?.format !== KEYS_FORMAT) {
        logger?.warn(
          `Deduplication of ${partition.eventType} skips the delivered partition in ${folder}: its manifest lists no key files of format ${KEYS_FORMAT}`,
        );
        continue;
      }
      // Delivered empty: no keys to look back on.
      if (!manifest.keys.sources) continue;
      const sourcesPath = manifest.keys.sources.path;
      const sourcesContent = await this.#storage.read(sourcesPath);
      const fileSources = readSourcesFile(sourcesContent, sourcesPath);
      // Their numbers -> ours, and the hash of each source, when first used.
      const ours = new Int32Array(fileSources.starts.length).fill(NOT_NUMBERED);
      const hashes = new Int32Array(2 * fileSources.starts.length);
      const sourceOf = (theirs: number): number => {
        if (theirs >= ours.length) {
          throw new Error(`Key file in ${folder} names source ${theirs}`);
        }
        if (ours[theirs] === NOT_NUMBERED) {
          const start = fileSources.starts[theirs];
          const end = fileSources.ends[theirs];
          hashBytes(
            viewOf(sourcesContent),
            sourcesContent,
            start,
            end,
            SOURCE_SEED,
          );
          hashes[2 * theirs] = hashOut[0];
          hashes[2 * theirs + 1] = hashOut[1];
          ours[theirs] = this.#sources.intern(
            sourcesContent,
            viewOf(sourcesContent),
            start,
            end,
            hashOut[0],
          );
        }
        return ours[theirs];
      };
      for (const file of manifest.keys.files) {
        const content = await this.#storage.read(file.path);
        this.#loadKeysFile(
          content,
          file.path,
          sourceOf,
          hashes,
          fileSources,
          sourcesContent,
        );
        this.#checkMemory(0);
      }
    }
  }

  #loadKeysFile(
    content: Buffer,
    filePath: string,
    sourceOf: (theirs: number) => number,
    hashes: Int32Array,
    fileSources: { starts: Int32Array; ends: Int32Array },
    sourcesContent: Buffer,
  ): void {
    const encoder = this.#encoder;
    readKeysFile(
      content,
      filePath,
      (view, at) => {
        const theirs = view.getInt32(at, true);
        const source = sourceOf(theirs);
        const u0 = view.getInt32(at + 4, true);
        const u1 = view.getInt32(at + 8, true);
        const u2 = view.getInt32(at + 12, true);
        const u3 = view.getInt32(at + 16, true);
        hashUuid(u0, u1, u2, u3);
        mixKeyHash(
          hashes[2 * theirs],
          hashes[2 * theirs + 1],
          hashOut[0],
          hashOut[1],
        );
        encoder.h1 = hashOut[0];
        encoder.h2 = hashOut[1];
        encoder.encode(
          source,
          sourcesContent,
          fileSources.starts[theirs],
          fileSources.ends[theirs],
          true,
          u0,
          u1,
          u2,
          u3,
          content,
          0,
          0,
        );
        this.#insertPrior(
          view.getInt32(at + 20, true),
          view.getInt32(at + 24, true),
        );
      },
      (bytes, start, _end, c1, c2) => {
        // Their source number -> ours, then hashed as any key.
        const decoded = this.#decoded;
        decodeKey(bytes, start, decoded);
        let sourceBytes: Uint8Array = bytes;
        let sourceStart = decoded.sourceStart;
        let sourceEnd = decoded.sourceEnd;
        if (decoded.sourceIndex >= 0) {
          sourceOf(decoded.sourceIndex);
          sourceBytes = sourcesContent;
          sourceStart = fileSources.starts[decoded.sourceIndex];
          sourceEnd = fileSources.ends[decoded.sourceIndex];
        }
        encoder.encodeParts(
          sourceBytes,
          sourceStart,
          sourceEnd,
          bytes,
          decoded.idStart,
          decoded.idEnd,
          decoded.idIsUuid,
        );
        this.#insertPrior(c1, c2);
      },
    );
  }

  readonly #decoded: DecodedKey = {
    sourceIndex: -1,
    sourceStart: -1,
    sourceEnd: -1,
    idIsUuid: false,
    idStart: 0,
    idEnd: 0,
  };

  /** Adds the key in the encoder as one an earlier partition delivered. */
  #insertPrior(c1: number, c2: number): void {
    const encoder = this.#encoder;
    const bucket = encoder.h1 >>> (32 - BUCKET_BITS);
    const tables = this.#buckets[bucket];
    if (tables) {
      tables.insertEncoded(
        encoder.key,
        encoder.keyView,
        encoder.keyLength,
        encoder.h2,
        c1,
        c2,
        true,
      );
    } else {
      this.#spillWriters[bucket]!.append(
        PRIOR,
        0,
        c1,
        c2,
        NO_DELAY,
        encoder.h1,
        encoder.h2,
        encoder.key,
        0,
        encoder.keyLength,
      );
    }
  }

  /**
   * Sizes the UUID tables for the events expected, from the lines of the
   * first raw file, within 70% of the memory bound: growing them step by
   * step copies every key a few times, touches new memory each time, and
   * leaves the old arrays to the garbage collector (peak RSS).
   */
  #reserve(linesOfFirstFile: number): void {
    const expected = linesOfFirstFile * this.#options.rawFiles.length;
    let perBucket = Math.ceil((expected / BUCKETS) * 1.05);
    const bytesFor = (keys: number) => {
      let slots = 64;
      while (keys * 4 > (slots - 1) * 3) slots *= 2;
      return BUCKETS * (keys * UUID_ENTRY * 4 + slots * 4);
    };
    while (perBucket > 0 && bytesFor(perBucket) > this.#maxMemory * 0.7) {
      perBucket = Math.floor(perBucket / 2);
    }
    for (const tables of this.#buckets) {
      tables?.uuid.reserve(tables.uuid.count + perBucket);
    }
  }

  // ---------------------------------------------------------------------
  // Deciding

  /**
   * Learns the sources a worker numbered while scanning a file. Called as
   * each scan ends, which for one worker is the order it numbered them in,
   * even when files reach it out of order (reads finish in any order). They
   * get our numbers later, in raw order (#numberSource), so that numbers,
   * and so the key files, do not depend on the workers' timing.
   */
  #declareSources(scanned: ScannedFile): void {
    const { newSources, firstNewSource, worker } = scanned;
    let map = this.#sourceMaps[worker] ?? new Int32Array(64);
    const pending = (this.#pendingSources[worker] ??= []);
    const view = viewOf(newSources);
    let local = firstNewSource;
    for (let at = 0; at < newSources.length; local++) {
      const length = readVarint(newSources, at + 4);
      const start = varintEnd;
      if (local >= map.length) {
        const grown = new Int32Array(Math.max(local + 1, map.length * 2));
        grown.set(map);
        map = grown;
      }
      map[local] = NOT_NUMBERED;
      // The hash (view.getInt32(at)) is computed again when numbered.
      void view;
      pending[local] = newSources.slice(start, start + length);
      at = start + length;
    }
    this.#sourceMaps[worker] = map;
  }

  /** Our number for a worker's source first met now, in raw order. */
  #numberSource(worker: number, local: number): number {
    const bytes = this.#pendingSources[worker][local]!;
    this.#pendingSources[worker][local] = undefined;
    const view = viewOf(bytes);
    hashBytes(view, bytes, 0, bytes.length, SOURCE_SEED);
    const number = this.#sources.intern(
      bytes,
      view,
      0,
      bytes.length,
      hashOut[0],
    );
    this.#sourceMaps[worker][local] = number;
    return number;
  }

  /**
   * Numbers and decides every line of a scanned raw file, in order. Not
   * deferred: every bucket is in memory, and the dropped lines (blank ones
   * too) are returned as [start, end) pairs for keepLines. Deferred: events
   * of buckets in memory are decided, the dropped ones marked in the
   * bitmap; the others go to their buckets' spill files.
   *
   * The hot loop of the main thread, which reads one 64-byte record per
   * line and not the text. Lines go in batches: first the slot each key will
   * be looked up in is read (touched), then the keys are looked up in
   * order. The touching reads miss the cache, and in a loop of their own
   * the processor overlaps them, where one per insert would each wait.
   */
  #decide(
    scanned: ScannedFile,
    deferred: boolean,
  ): { drops: Int32Array; dropCount: number; dropped: number } {
    const { lines, lineCount, worker } = scanned;
    const sourceMap = this.#sourceMaps[worker];
    const buckets = this.#buckets;
    let touched = 0;
    let drops = new Int32Array(deferred ? 0 : 2 * 256);
    let dropCount = 0;
    let dropped = 0;
    const hashes = this.#batchHashes;
    let seq = this.#seq;
    let received = this.#received;
    for (let batch = 0; batch < lineCount; batch += DECIDE_BATCH) {
      const batchEnd = Math.min(lineCount, batch + DECIDE_BATCH);
      for (let k = batch; k < batchEnd; k++) {
        const at = k * LINE_FIELDS;
        const local = lines[at + LINE_SOURCE];
        if (!(lines[at + LINE_FLAGS] & ID_IS_UUID) || local < 0) continue;
        let source = sourceMap[local];
        if (source === NOT_NUMBERED) source = this.#numberSource(worker, local);
        const tables = buckets[lines[at + LINE_H1] >>> (32 - BUCKET_BITS)];
        if (tables !== undefined && source >= 0) {
          const hash = uuidSlotHash(
            source,
            lines[at + LINE_UUID],
            lines[at + LINE_UUID + 1],
            lines[at + LINE_UUID + 2],
            lines[at + LINE_UUID + 3],
          );
          hashes[k - batch] = hash;
          touched ^= tables.uuid.slots[hash & tables.uuid.mask];
        }
      }
      for (let k = batch; k < batchEnd; k++) {
        const at = k * LINE_FIELDS;
        const flags = lines[at + LINE_FLAGS];
        let drop = false;
        if (flags & BLANK) {
          drop = true;
        } else {
          const eventSeq = seq++;
          received += 1;
          if (flags & MALFORMED) {
            this.#noteMalformed(
              scanned.text,
              lines[at + LINE_START],
              lines[at + LINE_END],
            );
            continue;
          }
          const c1 = lines[at + LINE_C1];
          const c2 = lines[at + LINE_C2];
          const tables = buckets[lines[at + LINE_H1] >>> (32 - BUCKET_BITS)];
          const local = lines[at + LINE_SOURCE];
          let source = local < 0 ? -1 : sourceMap[local];
          if (source === NOT_NUMBERED) {
            source = this.#numberSource(worker, local);
          }
          let existing: number;
          if (tables !== undefined && source >= 0 && flags & ID_IS_UUID) {
            // Nearly every event: no encoding needed, hash computed above.
            const table = tables.uuid;
            existing = table.insertHashed(
              hashes[k - batch] >>> 0,
              source,
              lines[at + LINE_UUID],
              lines[at + LINE_UUID + 1],
              lines[at + LINE_UUID + 2],
              lines[at + LINE_UUID + 3],
              c1,
              c2,
            );
            if (existing >= 0) {
              if (
                table.entries[UUID_ENTRY * existing + 5] === c1 &&
                table.entries[UUID_ENTRY * existing + 6] === c2
              ) {
                this.#duplicates += 1;
              } else {
                this.#conflicts += 1;
              }
            }
          } else {
            existing = this.#decideOther(scanned, k, source, eventSeq);
            if (existing === SPILLED) continue;
          }
          if (existing < 0) {
            if (flags & HAS_DELAY) this.#delays.add(lines[at + LINE_DELAY]);
          } else if (deferred) {
            this.#markDropped(eventSeq);
          } else {
            drop = true;
            dropped += 1;
          }
        }
        if (drop && !deferred) {
          if (2 * dropCount + 2 > drops.length) {
            const grown = new Int32Array(drops.length * 2);
            grown.set(drops);
            drops = grown;
          }
          drops[2 * dropCount] = lines[at + LINE_START];
          drops[2 * dropCount + 1] = lines[at + LINE_END] + 1;
          dropCount += 1;
        }
      }
    }
    this.#seq = seq;
    this.#received = received;
    this.#touched ^= touched;
    return { drops, dropCount, dropped };
  }

  /** Keeps the touching reads of #decide from being left out. */
  #touched = 0;
  /** uuidSlotHash of the lines of a batch of #decide (as int32). */
  readonly #batchHashes = new Int32Array(DECIDE_BATCH);

  /**
   * Decides line `k` whose key is not a dictionary source with a UUID, or
   * whose bucket is on disk: returns what insert returns, or SPILLED.
   */
  #decideOther(
    scanned: ScannedFile,
    k: number,
    source: number,
    seq: number,
  ): number {
    const { text, extra, lines, cold } = scanned;
    const at = k * LINE_FIELDS;
    const coldAt = k * COLD_FIELDS;
    const flags = lines[at + LINE_FLAGS];
    const encoder = this.#encoder;
    const c1 = lines[at + LINE_C1];
    const c2 = lines[at + LINE_C2];
    encoder.encode(
      source,
      flags & SOURCE_EXTRA ? extra : text,
      cold[coldAt + COLD_SOURCE_START],
      cold[coldAt + COLD_SOURCE_END],
      (flags & ID_IS_UUID) !== 0,
      lines[at + LINE_UUID],
      lines[at + LINE_UUID + 1],
      lines[at + LINE_UUID + 2],
      lines[at + LINE_UUID + 3],
      flags & ID_EXTRA ? extra : text,
      cold[coldAt + COLD_ID_START],
      cold[coldAt + COLD_ID_END],
    );
    const h1 = lines[at + LINE_H1];
    const h2 = lines[at + LINE_H2];
    const bucket = h1 >>> (32 - BUCKET_BITS);
    const tables = this.#buckets[bucket];
    if (tables === undefined) {
      this.#spillWriters[bucket]!.append(
        EVENT,
        seq,
        c1,
        c2,
        flags & HAS_DELAY ? lines[at + LINE_DELAY] : NO_DELAY,
        h1,
        h2,
        encoder.key,
        0,
        encoder.keyLength,
      );
      return SPILLED;
    }
    const existing = tables.insertEncoded(
      encoder.key,
      encoder.keyView,
      encoder.keyLength,
      h2,
      c1,
      c2,
      false,
    );
    if (existing >= 0) this.#countDrop(tables.sameContent(existing, c1, c2));
    return existing;
  }

  #countDrop(sameContent: boolean): void {
    if (sameContent) {
      this.#duplicates += 1;
    } else {
      this.#conflicts += 1;
    }
  }

  #noteMalformed(b: Uint8Array, start: number, end: number): void {
    this.#malformed += 1;
    if (this.#malformedExamples.length < MALFORMED_EXAMPLES) {
      const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(
        'utf8',
        start,
        Math.min(end, start + 80),
      );
      this.#malformedExamples.push(
        JSON.stringify(end - start > 80 ? `${text}...` : text),
      );
    }
  }

  #markDropped(seq: number): void {
    const bit = seq - this.#deferFromSeq;
    const byte = bit >>> 3;
    if (byte >= this.#dropped.length) {
      const grown = new Uint8Array(
        Math.max(byte + 1, this.#dropped.length * 2),
      );
      grown.set(this.#dropped);
      this.#dropped = grown;
    }
    this.#dropped[byte] |= 1 << (bit & 7);
  }

  /**
   * The dropped bits of one raw file's events, from its first at bit 0, and
   * how many are set.
   */
  #droppedBitsOf(index: number): { bits: Uint8Array; dropped: number } {
    const first = this.#fileFirstSeq[index] - this.#deferFromSeq;
    const count = this.#fileEvents[index];
    const bits = new Uint8Array(Math.ceil(count / 8));
    const all = this.#dropped;
    let dropped = 0;
    for (let i = 0; i < count; i++) {
      const bit = first + i;
      if ((all[bit >>> 3] ?? 0) & (1 << (bit & 7))) {
        bits[i >>> 3] |= 1 << (i & 7);
        dropped += 1;
      }
    }
    return { bits, dropped };
  }

  /** Adds a bucket's own keys (not those from lookback) to the key files. */
  #addKeys(tables: BucketTables): void {
    const { uuid, other } = tables;
    this.#keys.addUuidEntries(uuid.entries, uuid.priorCount, uuid.count);
    if (other) {
      for (let entry = other.priorCount; entry < other.count; entry++) {
        this.#keys.addOther(
          other.arena,
          other.offsets[entry],
          other.offsets[entry + 1],
          other.contents[2 * entry],
          other.contents[2 * entry + 1],
        );
      }
    }
  }

  // ---------------------------------------------------------------------
  // Spilling

  #bytesInMemory(): number {
    let used = this.#sources.bytes;
    for (const tables of this.#buckets) used += tables?.bytes ?? 0;
    return used;
  }

  /**
   * Moves the largest buckets to disk while the keys take more than the
   * bound. `nextFile`: the first raw file not yet decided.
   */
  #checkMemory(nextFile: number): void {
    let used = this.#bytesInMemory();
    if (used <= this.#maxMemory) return;
    if (this.#deferFromFile < 0) {
      this.#deferFromFile = nextFile;
      this.#deferFromSeq = this.#seq;
    }
    while (used > this.#maxMemory * 0.75) {
      let largest = -1;
      let largestBytes = 0;
      for (let b = 0; b < BUCKETS; b++) {
        const bytes = this.#buckets[b]?.bytes ?? 0;
        if (bytes > largestBytes) {
          largest = b;
          largestBytes = bytes;
        }
      }
      if (largest < 0) break;
      used -= largestBytes;
      this.#spillBucket(largest);
    }
  }

  /** Moves a bucket's keys to a spill file, which takes its later keys. */
  #spillBucket(bucket: number): void {
    const writer = this.#newSpillWriter();
    const encoder = this.#encoder;
    const { uuid, other } = this.#buckets[bucket]!;
    const entries = uuid.entries;
    for (let entry = 0; entry < uuid.count; entry++) {
      const at = UUID_ENTRY * entry;
      encoder.encodeUuid(entries, at);
      encoder.rehash(encoder.key, 0, encoder.keyLength);
      writer.append(
        entry < uuid.priorCount ? PRIOR : DELIVERED,
        0,
        entries[at + 5],
        entries[at + 6],
        NO_DELAY,
        encoder.h1,
        encoder.h2,
        encoder.key,
        0,
        encoder.keyLength,
      );
    }
    if (other) {
      const { arena, offsets, contents } = other;
      for (let entry = 0; entry < other.count; entry++) {
        encoder.rehash(arena, offsets[entry], offsets[entry + 1]);
        writer.append(
          entry < other.priorCount ? PRIOR : DELIVERED,
          0,
          contents[2 * entry],
          contents[2 * entry + 1],
          NO_DELAY,
          encoder.h1,
          encoder.h2,
          arena,
          offsets[entry],
          offsets[entry + 1],
        );
      }
    }
    this.#spillWriters[bucket] = writer;
    this.#buckets[bucket] = undefined;
  }

  #newSpillWriter(): SpillWriter {
    if (!this.#spillFolder) {
      fs.mkdirSync(this.#options.spillDirectory, { recursive: true });
      this.#spillFolder = fs.mkdtempSync(
        path.join(this.#options.spillDirectory, 'dedupe-'),
      );
    }
    return new SpillWriter(
      path.join(this.#spillFolder, `bucket-${this.#spillFiles++}.bin`),
    );
  }

  /**
   * Decides the events of a spilled bucket (or part of one) and adds its
   * keys to the key files. Splits it by further bits of the key hash when
   * it would not fit in the memory left by the buckets still in memory.
   */
  #decideSpilled(file: SpillWriter, depth: number, bucket: number): void {
    const room = Math.max(
      this.#maxMemory - this.#bytesInMemory(),
      this.#maxMemory / 4,
    );
    if (
      file.bytes * SPILL_MEMORY_FACTOR > room &&
      file.records >= this.#minSplitRecords &&
      depth < MAX_SPLIT_DEPTH
    ) {
      const shift = 32 - BUCKET_BITS - SPLIT_BITS * (depth + 1);
      const parts: SpillWriter[] = [];
      for (let s = 0; s < 1 << SPLIT_BITS; s++) {
        parts.push(this.#newSpillWriter());
      }
      readSpillFile(file.path, record => {
        parts[(record.h1 >>> shift) & ((1 << SPLIT_BITS) - 1)].append(
          record.kind,
          record.seq,
          record.c1,
          record.c2,
          record.delay,
          record.h1,
          record.h2,
          record.bytes,
          record.keyStart,
          record.keyEnd,
        );
      });
      for (const part of parts) part.close();
      fs.rmSync(file.path, { force: true });
      for (const part of parts) this.#decideSpilled(part, depth + 1, bucket);
      return;
    }

    const tables = new BucketTables(1024);
    readSpillFile(file.path, (record: SpillRecord) => {
      const key = record.bytes.subarray(record.keyStart, record.keyEnd);
      const existing = tables.insertEncoded(
        key,
        viewOf(key),
        key.length,
        record.h2,
        record.c1,
        record.c2,
        record.kind === PRIOR,
      );
      if (record.kind !== EVENT) return;
      if (existing < 0) {
        if (record.delay !== NO_DELAY) this.#delays.add(record.delay);
      } else {
        this.#countDrop(tables.sameContent(existing, record.c1, record.c2));
        this.#markDropped(record.seq);
      }
    });
    fs.rmSync(file.path, { force: true });
    this.#addKeys(tables);
  }

  // ---------------------------------------------------------------------
  // Writing

  /**
   * Queues what a file keeps (`events` events); #drainOutputs hands it on
   * in order.
   */
  #output(kept: Promise<KeptLines>, events: number): void {
    kept.catch(() => {}); // Awaited by #drainOutputs; not unhandled meanwhile.
    this.#outputs.push({ kept, events });
  }

  /** Hands queued outputs on, in order, until at most `keep` are left. */
  async #drainOutputs(keep: number): Promise<void> {
    while (this.#outputs.length > keep) {
      const { kept: pending, events } = this.#outputs[0];
      const kept = await pending;
      this.#outputs.shift();
      if (kept.kind === 'lines') {
        this.#gathered.push(kept.lines);
        this.#gatheredBytes += kept.lines.length;
        this.#gatheredEvents += events;
        if (this.#gatheredBytes >= this.#gatherBytes) this.#flushGathered();
      } else {
        this.#flushGathered();
        this.#parts.add(kept.chunk.bytes, events, kept.chunk);
      }
      await this.#parts.ready();
    }
  }

  /** Compresses the lines of small files gathered so far, as one chunk. */
  #flushGathered(): void {
    if (this.#gatheredBytes === 0) return;
    const text = ownedBytes(
      this.#gathered.length === 1
        ? this.#gathered[0]
        : Buffer.concat(this.#gathered, this.#gatheredBytes),
    );
    const chunk = this.#workers
      .run<KeptLines>(
        {
          type: 'keep',
          text,
          drops: new Int32Array(0),
          dropCount: 0,
          options: { ...this.#keepOptions, compress: true },
        },
        [text.buffer as ArrayBuffer],
      )
      .then(kept => (kept as { chunk: Chunk }).chunk);
    chunk.catch(() => {}); // Awaited by GzipParts.
    this.#parts.add(this.#gatheredBytes, this.#gatheredEvents, chunk);
    this.#gathered = [];
    this.#gatheredBytes = 0;
    this.#gatheredEvents = 0;
  }

  async #removeStaleFiles(keep: string[]): Promise<void> {
    const kept = new Set(keep);
    const prefix = `${this.#folder}/`;
    for (const file of await this.#storage.list(prefix)) {
      const name = file.slice(prefix.length);
      if (
        !kept.has(file) &&
        /^(part-\d+\.ndjson\.gz|_keys-(\d+|sources)\.bin)$/.test(name)
      ) {
        await this.#storage.delete(file);
      }
    }
  }
}

/**
 * Dedupes one partition and writes it as a delivered partition; see
 * {@link DedupeOptions}. Rejects when a file cannot be read or written; the
 * same call can then simply be made again.
 */
export async function dedupePartition(
  options: DedupeOptions,
): Promise<DedupeResult> {
  const run = new DedupeRun(options);
  try {
    return await run.run();
  } finally {
    await run.cleanUp();
  }
}

/** The bytes in an ArrayBuffer of their own, which can be transferred. */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength
    ? bytes
    : new Uint8Array(bytes);
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
