import fs from 'node:fs';
import path from 'node:path';
import {
  BucketTables,
  KeyEncoder,
  SOURCE_LIMITS,
  SourceDictionary,
  UUID_ENTRY,
} from './keys';
import { KeysFilesWriter } from './keysFiles';
import {
  DELIVERED,
  MAX_BLOCK_BYTES,
  NO_DELAY,
  PRIOR,
  SpillWriter,
} from './spillFiles';

export const BUCKET_BITS = 8;
export const BUCKETS = 1 << BUCKET_BITS;

/**
 * Every key a dedupe run has seen, in 256 hash tables (buckets, chosen by
 * the key's hash) of compactly encoded exact keys (keys.ts); a bucket that
 * no longer fits in memory moves to a spill file, which then takes its
 * later keys too. Fields are public for the main thread's hot loop.
 */
export class KeyIndex {
  readonly sources = new SourceDictionary(SOURCE_LIMITS);
  readonly encoder = new KeyEncoder(this.sources);
  /** Per bucket: its keys, or undefined once it is spilled. */
  readonly buckets: Array<BucketTables | undefined> = [];
  /** Per spilled bucket: the spill file taking its keys. */
  readonly spillWriters: Array<SpillWriter | undefined> = [];
  readonly #spillDirectory: string;
  readonly #spillBlockBytes: number;
  #spillFolder?: string;
  #spillFiles = 0;

  /**
   * `spillBlockBytes`: what each spill file buffers before a write; all
   * buckets spilled, 256 of them are in memory at once.
   */
  constructor(options: { spillDirectory: string; spillBlockBytes?: number }) {
    this.#spillDirectory = options.spillDirectory;
    this.#spillBlockBytes = options.spillBlockBytes ?? MAX_BLOCK_BYTES;
    for (let b = 0; b < BUCKETS; b++) this.buckets.push(new BucketTables());
  }

  /** Whether keys went to disk. */
  get spilled(): boolean {
    return this.#spillFiles > 0;
  }

  /**
   * Sizes the UUID tables for the events expected within 70% of the memory
   * bound: growing them step by step copies every key a few times, touches
   * new memory each time, and leaves the old arrays to the garbage
   * collector (peak RSS).
   */
  reserve(expected: number, maxMemory: number): void {
    let perBucket = Math.ceil((expected / BUCKETS) * 1.05);
    const bytesFor = (keys: number) => {
      let slots = 64;
      while (keys * 4 > (slots - 1) * 3) slots *= 2;
      return BUCKETS * (keys * UUID_ENTRY * 4 + slots * 4);
    };
    while (perBucket > 0 && bytesFor(perBucket) > maxMemory * 0.7) {
      perBucket = Math.floor(perBucket / 2);
    }
    for (const tables of this.buckets) {
      tables?.uuid.reserve(tables.uuid.count + perBucket);
    }
  }

  /** Adds the key in the encoder as one an earlier partition delivered. */
  insertPrior(c1: number, c2: number): void {
    const encoder = this.encoder;
    const bucket = encoder.h1 >>> (32 - BUCKET_BITS);
    const tables = this.buckets[bucket];
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
      this.spillWriters[bucket]!.append(
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

  bytesInMemory(): number {
    let used = this.sources.bytes;
    for (const tables of this.buckets) used += tables?.bytes ?? 0;
    return used;
  }

  /**
   * Moves the largest buckets to disk, `used` being the keys' memory now,
   * until it is at most `target`.
   */
  spillLargest(used: number, target: number): void {
    let left = used;
    while (left > target) {
      let largest = -1;
      let largestBytes = 0;
      for (let b = 0; b < BUCKETS; b++) {
        const bytes = this.buckets[b]?.bytes ?? 0;
        if (bytes > largestBytes) {
          largest = b;
          largestBytes = bytes;
        }
      }
      if (largest < 0) break;
      left -= largestBytes;
      this.#spillBucket(largest);
    }
  }

  /** Moves a bucket's keys to a spill file, which takes its later keys. */
  #spillBucket(bucket: number): void {
    const writer = this.newSpillWriter();
    const encoder = this.encoder;
    const { uuid, other } = this.buckets[bucket]!;
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
    this.spillWriters[bucket] = writer;
    this.buckets[bucket]!.release();
    this.buckets[bucket] = undefined;
  }

  /** A new spill file, in a temporary folder of the spill directory. */
  newSpillWriter(): SpillWriter {
    if (!this.#spillFolder) {
      fs.mkdirSync(this.#spillDirectory, { recursive: true });
      this.#spillFolder = fs.mkdtempSync(
        path.join(this.#spillDirectory, 'dedupe-'),
      );
    }
    return new SpillWriter(
      path.join(this.#spillFolder, `bucket-${this.#spillFiles++}.bin`),
      this.#spillBlockBytes,
    );
  }

  /** Closes the spill files and removes them (after a failure too). */
  async removeSpillFiles(): Promise<void> {
    for (const writer of this.spillWriters) {
      try {
        writer?.close();
      } catch {
        // Being removed anyway.
      }
    }
    if (this.#spillFolder) {
      await fs.promises.rm(this.#spillFolder, { recursive: true, force: true });
    }
  }
}

/** Adds a bucket's own keys (not those from lookback) to the key files. */
export function addOwnKeys(keys: KeysFilesWriter, tables: BucketTables): void {
  const { uuid, other } = tables;
  keys.addUuidEntries(uuid.entries, uuid.priorCount, uuid.count);
  if (other) {
    for (let entry = other.priorCount; entry < other.count; entry++) {
      keys.addOther(
        other.arena,
        other.offsets[entry],
        other.offsets[entry + 1],
        other.contents[2 * entry],
        other.contents[2 * entry + 1],
      );
    }
  }
}
