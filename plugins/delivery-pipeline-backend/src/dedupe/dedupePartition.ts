import { LoggerService } from '@backstage/backend-plugin-api';
import {
  checksumOf,
  DeliveredManifest,
  DeliveredPartition,
  MANIFEST_FORMAT,
  manifestPathOf,
  PartitionStorage,
  writeManifest,
} from '@data-collection/plugin-delivery-pipeline-node';
import os from 'node:os';
import { release } from './bytes';
import { DedupeTally } from './DedupeTally';
import { DeferredDrops } from './DeferredDrops';
import { DeliveredFiles, removeStaleFiles } from './DeliveredFiles';
import { KeepOptions, KeptLines, ScannedFile } from './fileTasks';
import { FileWorkers } from './fileWorkers';
import { addOwnKeys, BUCKETS, KeyIndex } from './KeyIndex';
import { KeysFilesWriter } from './keysFiles';
import { LineDecider } from './LineDecider';
import { loadLookback } from './lookback';
import { forEachRawFile } from './rawFiles';
import { SourceNumbering } from './SourceNumbering';
import { decideSpilled } from './spilledBuckets';

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
 * The run (this file) puts together one module per job: reading the raw
 * files (rawFiles.ts), the lookback (lookback.ts), the key index and its
 * spill files (KeyIndex.ts, spilledBuckets.ts), numbering sources in raw
 * order (SourceNumbering.ts), deciding lines (LineDecider.ts), the counts
 * (DedupeTally.ts), the drops decided after a spill (DeferredDrops.ts),
 * writing delivered files (DeliveredFiles.ts) and the manifest
 * (manifest.ts).
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
   * 70% of it is taken at once, sized from the first raw file). Working
   * memory is sized from it too: the files worked on at once (~10 MB each:
   * a quarter of the bound's worth, at least 1 and at most 3 per worker),
   * the spill files' write blocks (1/16 of it in all), and whether a key
   * file (32 MiB) is filled while the one before is written (from 256 MiB).
   * On top of it: the process (Node and modules, ~150 MB in the bench with
   * its TypeScript transform), the worker threads (~25 MB each there),
   * delivered files being assembled and written (up to 3, ~14 MB each by
   * default), a key file, and what glibc's malloc keeps: once a buffer of
   * some MB is freed it raises its mmap threshold, and later buffers come
   * from arenas that keep freed memory. On the bench (10 million events,
   * with the lookback, 2 cores) peak RSS is ~1.0 GB at 512 MiB and ~0.5 GB
   * at 64 MiB; with MALLOC_MMAP_THRESHOLD_=131072 in the environment (a
   * fixed threshold) ~0.71 and ~0.41 GB, for ~10% more CPU. So at 64 MiB
   * it is still over the bound + 256 MiB of issue 21.
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

const DEFAULT_FILE_BYTES = 64 * 1024 * 1024;
const DEFAULT_GATHER_BYTES = 2 * 1024 * 1024;
const DEFAULT_KEYS_FILE_BYTES = 32 * 1024 * 1024;
const DEFAULT_MIN_SPLIT_RECORDS = 4096;
const DEFAULT_SMALL_FILE_BYTES = 256 * 1024;
const DEFAULT_COMPRESSION_LEVEL = 1;
const MAX_WORKERS = 4;
/** Memory a raw file takes while it is worked on, roughly (readAhead). */
const FILE_MEMORY = 10 * 1024 * 1024;

/** One call of {@link dedupePartition}: the modules of a run, put together. */
class DedupeRun {
  readonly #options: DedupeOptions;
  readonly #storage: PartitionStorage;
  readonly #folder: string;
  readonly #maxMemory: number;
  readonly #minSplitRecords: number;
  readonly #readAhead: number;
  readonly #keepOptions: KeepOptions;
  readonly #workers: FileWorkers;
  readonly #index: KeyIndex;
  readonly #numbering: SourceNumbering;
  readonly #tally = new DedupeTally();
  readonly #drops = new DeferredDrops();
  readonly #decider: LineDecider;
  readonly #files: DeliveredFiles;
  readonly #keys: KeysFilesWriter;

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
    // Each file being worked on holds ~10 MB (its compressed and inflated
    // bytes, its lines' fields, what it keeps): 3 per worker keep them
    // busy, but no more than a quarter of the bound's worth, at least one
    // per worker.
    this.#readAhead = Math.max(
      1,
      tuning?.readAhead ??
        Math.min(
          3 * Math.max(1, workers),
          Math.max(workers, Math.floor(maxMemoryBytes / 4 / FILE_MEMORY)),
        ),
    );
    this.#keepOptions = {
      smallBytes: tuning?.smallFileBytes ?? DEFAULT_SMALL_FILE_BYTES,
      level: options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL,
    };
    this.#workers = new FileWorkers(workers);
    this.#index = new KeyIndex({
      spillDirectory: options.spillDirectory,
      // All 256 spill files' blocks together: 1/16 of the bound.
      spillBlockBytes: Math.floor(maxMemoryBytes / 16 / BUCKETS),
    });
    this.#numbering = new SourceNumbering(this.#index.sources);
    this.#decider = new LineDecider({
      index: this.#index,
      numbering: this.#numbering,
      tally: this.#tally,
      drops: this.#drops,
    });
    this.#files = new DeliveredFiles({
      storage: this.#storage,
      folder: this.#folder,
      workers: this.#workers,
      keepOptions: this.#keepOptions,
      gatherBytes: tuning?.gatherBytes ?? DEFAULT_GATHER_BYTES,
      fileBytes: options.maxFileBytes ?? DEFAULT_FILE_BYTES,
    });
    const keysFileBytes = tuning?.keysFileBytes ?? DEFAULT_KEYS_FILE_BYTES;
    this.#keys = new KeysFilesWriter({
      storage: this.#storage,
      folder: this.#folder,
      maxBytes: keysFileBytes,
      // Two key files in memory at once only where they are a small part
      // of the bound (32 MiB each by default).
      overlapWrites: maxMemoryBytes >= 8 * keysFileBytes,
    });
  }

  async run(): Promise<DedupeResult> {
    const { partition } = this.#options;
    const tally = this.#tally;
    const drops = this.#drops;
    const index = this.#index;
    // From here until the new manifest is written, the folder is incomplete.
    await this.#storage.delete(manifestPathOf(this.#folder));
    await loadLookback({
      storage: this.#storage,
      folders: this.#options.lookbackFolders,
      eventType: partition.eventType,
      index,
      afterKeysFile: () => this.#checkMemory(0),
      logger: this.#options.logger,
    });

    const rawFiles = {
      storage: this.#storage,
      rawFiles: this.#options.rawFiles,
      readAhead: this.#readAhead,
    };
    await forEachRawFile(
      rawFiles,
      0,
      compressed =>
        this.#workers
          .run<ScannedFile>({ type: 'scan', compressed }, [
            compressed.buffer as ArrayBuffer,
          ])
          .then(scanned => {
            // Now, in the order the worker numbered them: see
            // SourceNumbering.declare.
            this.#numbering.declare(scanned);
            return scanned;
          }),
      async (scanned, fileIndex) => {
        if (fileIndex === 0) {
          index.reserve(
            scanned.lineCount * this.#options.rawFiles.length,
            this.#maxMemory,
          );
        }
        drops.fileFirstSeq[fileIndex] = tally.seq;
        if (!drops.deferred) {
          const firstSeq = tally.seq;
          const decided = this.#decider.decide(scanned, false);
          this.#files.add(
            this.#workers.run<KeptLines>(
              {
                type: 'keep',
                text: scanned.text,
                drops: decided.drops,
                dropCount: decided.dropCount,
                options: { ...this.#keepOptions, compress: false },
              },
              [
                scanned.text.buffer as ArrayBuffer,
                decided.drops.buffer as ArrayBuffer,
              ],
            ),
            tally.seq - firstSeq - decided.dropped,
          );
          await this.#files.drain(this.#readAhead);
        } else {
          this.#decider.decide(scanned, true);
          // Read again by the last pass.
          release(scanned.text);
        }
        release(scanned.lines, scanned.cold);
        drops.fileEvents[fileIndex] = tally.seq - drops.fileFirstSeq[fileIndex];
        this.#checkMemory(fileIndex + 1);
      },
    );

    // Every bucket's keys to the key files, in bucket order; spilled buckets
    // are decided now, one at a time.
    for (let b = 0; b < BUCKETS; b++) {
      await this.#keys.ready();
      const tables = index.buckets[b];
      if (tables) {
        addOwnKeys(this.#keys, tables);
        index.buckets[b] = undefined;
        tables.release();
        continue;
      }
      const writer = index.spillWriters[b]!;
      writer.close();
      index.spillWriters[b] = undefined;
      decideSpilled(
        {
          index,
          tally,
          drops,
          keys: this.#keys,
          maxMemory: this.#maxMemory,
          minSplitRecords: this.#minSplitRecords,
        },
        writer,
        0,
      );
    }

    if (drops.deferred) {
      await forEachRawFile(
        rawFiles,
        drops.fromFile,
        (compressed, fileIndex) => {
          const { bits, dropped } = drops.bitsOf(fileIndex);
          const kept = this.#workers.run<KeptLines>(
            {
              type: 'rewrite',
              compressed,
              bits,
              options: { ...this.#keepOptions, compress: false },
            },
            [compressed.buffer as ArrayBuffer, bits.buffer as ArrayBuffer],
          );
          kept.catch(() => {}); // Awaited by DeliveredFiles.drain.
          return Promise.resolve({
            kept,
            events: drops.fileEvents[fileIndex] - dropped,
          });
        },
        async ({ kept, events }) => {
          this.#files.add(kept, events);
          await this.#files.drain(this.#readAhead);
        },
      );
    }

    const files = await this.#files.finish();
    const keys = await this.#keys.finish(index.sources);
    await removeStaleFiles(this.#storage, this.#folder, [
      ...files.map(f => f.path),
      ...keys.files.map(f => f.path),
      ...(keys.sources ? [keys.sources.path] : []),
    ]);

    const delivered = tally.delivered;
    const checksum = checksumOf(files);
    const clientDelayMs = tally.delays.summary();
    const counts = {
      received: tally.received,
      delivered,
      duplicates: tally.duplicates,
      conflicts: tally.conflicts,
      malformed: tally.malformed,
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
    const manifestPath = await writeManifest(
      this.#storage,
      this.#folder,
      manifest,
    );

    if (tally.malformed > 0) {
      this.#options.logger?.warn(
        `Delivered ${tally.malformed} lines of ${
          partition.eventType
        } without a readable (source, id) as they were, without deduplicating them; for example ${tally.malformedExamples.join(
          ', ',
        )}`,
      );
    }

    return {
      ...counts,
      ...(clientDelayMs ? { clientDelayMs } : {}),
      spilled: index.spilled,
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
    await this.#files.settle();
    await this.#workers.close();
    await this.#files.settleWrites();
    await this.#keys.settle();
    await this.#index.removeSpillFiles();
  }

  /**
   * Moves the largest buckets to disk while the keys take more than the
   * bound, down to 3/4 of it; from then on raw files are written by the
   * last pass. `nextFile`: the first raw file not yet decided.
   */
  #checkMemory(nextFile: number): void {
    const used = this.#index.bytesInMemory();
    if (used <= this.#maxMemory) return;
    this.#drops.defer(nextFile, this.#tally.seq);
    this.#index.spillLargest(used, this.#maxMemory * 0.75);
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
