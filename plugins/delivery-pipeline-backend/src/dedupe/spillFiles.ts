import fs from 'node:fs';
import { readVarint, varintEnd, writeVarint } from './keys';

/**
 * Spill files: the keys of buckets that did not fit in memory, as records
 * appended in the order they were met, read back one bucket at a time.
 *
 *   u8  kind   (PRIOR, DELIVERED or EVENT)
 *   u32 LE     sequence number of the event (EVENT only, else 0)
 *   i32 LE x2  content hash
 *   i32 LE     client delay in ms, NO_DELAY when unknown (EVENT only)
 *   i32 LE x2  key hash (h1, h2)
 *   varint     key length, then the encoded key (see keys.ts)
 *
 * Local files through node:fs, written with synchronous calls in blocks of
 * up to 256 KiB: they go to the page cache, and a spilling deduper is bound
 * by its CPU, not by these writes. Every spilled bucket has a block of its
 * own, so the caller sizes the blocks from the memory bound (256 buckets of
 * 256 KiB would be 64 MiB, the whole of a small bound).
 */

/** A key delivered by an earlier partition (lookback). */
export const PRIOR = 0;
/** A key of this partition already delivered (moved out of memory). */
export const DELIVERED = 1;
/** An event of this partition not yet decided. */
export const EVENT = 2;

export const NO_DELAY = -0x80000000;

export const MAX_BLOCK_BYTES = 256 * 1024;
export const MIN_BLOCK_BYTES = 4 * 1024;
/** Reading back: one bucket at a time, so a larger block is fine. */
const READ_BLOCK_BYTES = 1024 * 1024;
/** Bytes of a record before its key length. */
const FIXED_BYTES = 25;

/** Appends records to one spill file. */
export class SpillWriter {
  readonly path: string;
  #fd: number;
  #buffer: Buffer;
  #length = 0;
  records = 0;
  bytes = 0;

  /** `blockBytes`: bytes buffered before a write. */
  constructor(path: string, blockBytes: number = MAX_BLOCK_BYTES) {
    this.path = path;
    this.#buffer = Buffer.allocUnsafeSlow(
      Math.min(MAX_BLOCK_BYTES, Math.max(MIN_BLOCK_BYTES, blockBytes)),
    );
    this.#fd = fs.openSync(path, 'wx');
  }

  append(
    kind: number,
    seq: number,
    c1: number,
    c2: number,
    delay: number,
    h1: number,
    h2: number,
    key: Uint8Array,
    keyStart: number,
    keyEnd: number,
  ): void {
    const keyLength = keyEnd - keyStart;
    const size = FIXED_BYTES + 5 + keyLength;
    if (this.#length + size > this.#buffer.length) {
      this.#flush();
      if (size > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(size);
    }
    const out = this.#buffer;
    let at = this.#length;
    out[at] = kind;
    out.writeUInt32LE(seq, at + 1);
    out.writeInt32LE(c1, at + 5);
    out.writeInt32LE(c2, at + 9);
    out.writeInt32LE(delay, at + 13);
    out.writeInt32LE(h1, at + 17);
    out.writeInt32LE(h2, at + 21);
    at = writeVarint(out, at + FIXED_BYTES, keyLength);
    for (let k = 0; k < keyLength; k++) out[at + k] = key[keyStart + k];
    at += keyLength;
    this.bytes += at - this.#length;
    this.#length = at;
    this.records += 1;
  }

  #flush(): void {
    let written = 0;
    while (written < this.#length) {
      written += fs.writeSync(
        this.#fd,
        this.#buffer,
        written,
        this.#length - written,
      );
    }
    this.#length = 0;
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    if (this.#fd < 0) return;
    try {
      this.#flush();
    } finally {
      fs.closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

/** What readSpillFile passes for each record; reused between records. */
export type SpillRecord = {
  kind: number;
  seq: number;
  c1: number;
  c2: number;
  delay: number;
  h1: number;
  h2: number;
  /** The key is `bytes[keyStart, keyEnd)`, valid during the callback. */
  bytes: Buffer;
  keyStart: number;
  keyEnd: number;
};

/**
 * Spill files are read one at a time, on the main thread: one buffer for
 * all of them rather than a new one per bucket.
 */
let readBuffer = Buffer.allocUnsafeSlow(READ_BLOCK_BYTES);

/** Calls `onRecord` for every record of a spill file, in order. */
export function readSpillFile(
  path: string,
  onRecord: (record: SpillRecord) => void,
): void {
  const fd = fs.openSync(path, 'r');
  try {
    let buffer = readBuffer;
    let length = 0;
    let at = 0;
    let ended = false;
    const record: SpillRecord = {
      kind: 0,
      seq: 0,
      c1: 0,
      c2: 0,
      delay: 0,
      h1: 0,
      h2: 0,
      bytes: buffer,
      keyStart: 0,
      keyEnd: 0,
    };
    for (;;) {
      // Parse whole records from buffer[at, length); a record's fixed part
      // and longest length varint take FIXED_BYTES + 5 bytes.
      while (
        length - at >= FIXED_BYTES + 5 ||
        (ended && length - at > FIXED_BYTES)
      ) {
        const keyLength = readVarint(buffer, at + FIXED_BYTES);
        const keyStart = varintEnd;
        if (keyStart > length || keyStart + keyLength > length) break;
        record.kind = buffer[at];
        record.seq = buffer.readUInt32LE(at + 1);
        record.c1 = buffer.readInt32LE(at + 5);
        record.c2 = buffer.readInt32LE(at + 9);
        record.delay = buffer.readInt32LE(at + 13);
        record.h1 = buffer.readInt32LE(at + 17);
        record.h2 = buffer.readInt32LE(at + 21);
        record.bytes = buffer;
        record.keyStart = keyStart;
        record.keyEnd = keyStart + keyLength;
        onRecord(record);
        at = keyStart + keyLength;
      }
      if (ended) break;
      // Keep the partial record, then read more after it.
      if (at > 0) {
        buffer.copy(buffer, 0, at, length);
        length -= at;
        at = 0;
      }
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
        readBuffer = grown;
      }
      const read = fs.readSync(
        fd,
        buffer,
        length,
        buffer.length - length,
        null,
      );
      if (read === 0) ended = true;
      length += read;
    }
    if (at !== length) {
      throw new Error(`Spill file ${path} ends in the middle of a record`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
