import zlib from 'node:zlib';
import { hashBytes, hashOut, hashUuid, mixKeyHash } from './hash';
import { canonicalString, packUuid, SourceDictionary } from './keys';
import {
  BLANK,
  CONTENT_SEED,
  HAS_DELAY,
  ID_EXTRA,
  ID_IS_UUID,
  ID_SEED,
  COLD_FIELDS,
  COLD_ID_END,
  COLD_ID_START,
  COLD_SOURCE_END,
  COLD_SOURCE_START,
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
  LineScan,
  receivedAtStart,
  RECEIVED_AT_SUFFIX_LENGTH,
  scanLine,
  TimeParser,
} from './scanLine';

/**
 * The work on one raw file that does not need the keys of other files:
 * inflating it, scanning and hashing its lines, and, once the main thread
 * has decided which lines to drop, gathering and deflating the others. It
 * runs in worker threads (dedupeWorker.ts), or in the calling thread.
 */

export type ScannedFile = {
  /** The inflated file. */
  text: Uint8Array;
  /** LINE_FIELDS int32s per line, blank lines included. */
  lines: Int32Array;
  /** COLD_FIELDS int32s per line. */
  cold: Int32Array;
  lineCount: number;
  /** Canonical text of escaped sources and ids (rare). */
  extra: Uint8Array;
  /**
   * Sources this file added to the worker's dictionary, numbered from
   * `firstNewSource` on: for each, the high half of its hash (int32 LE),
   * its length (varint) and its JSON text.
   */
  newSources: Uint8Array;
  firstNewSource: number;
  /** Which worker scanned it (set by FileWorkers). */
  worker: number;
};

/** Inflates a raw file: one gzip member, or several. */
export function inflateRawFile(compressed: Uint8Array): Buffer {
  if (compressed.length === 0) return Buffer.alloc(0);
  // The gzip trailer holds the uncompressed size (of the last member, which
  // is the only one in files the consumer writes): inflate into one buffer
  // of that size rather than 16 KiB at a time.
  const view = asBuffer(compressed);
  const size = view.length >= 18 ? view.readUInt32LE(view.length - 4) : 0;
  return zlib.gunzipSync(view, {
    chunkSize: Math.min(Math.max(size + 64, 64 * 1024), 256 * 1024 * 1024),
  });
}

/**
 * Scans every line of an inflated raw file. `sources` is the scanning
 * thread's dictionary of sources, which numbers them for the main thread.
 */
export function scanRawFile(
  bytes: Uint8Array,
  sources: SourceDictionary,
): ScannedFile {
  const text = asBuffer(bytes);
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  const scan = new LineScan();
  const times = new TimeParser();
  const firstNewSource = sources.count;
  let lines = new Int32Array(LINE_FIELDS * 1024);
  let cold = new Int32Array(COLD_FIELDS * 1024);
  let extra: Buffer | undefined;
  let extraLength = 0;
  const addExtra = (added: Buffer): number => {
    if (!extra || extraLength + added.length > extra.length) {
      const grown = Buffer.alloc(
        Math.max(4096, (extraLength + added.length) * 2),
      );
      extra?.copy(grown, 0, 0, extraLength);
      extra = grown;
    }
    added.copy(extra, extraLength);
    extraLength += added.length;
    return extraLength - added.length;
  };
  let count = 0;
  const length = text.length;
  let p = 0;
  while (p < length) {
    let e = text.indexOf(10, p);
    if (e < 0) e = length;
    const at = count * LINE_FIELDS;
    if (at + LINE_FIELDS > lines.length) {
      const grown = new Int32Array(lines.length * 2);
      grown.set(lines);
      lines = grown;
      const grownCold = new Int32Array(cold.length * 2);
      grownCold.set(cold);
      cold = grownCold;
    }
    const coldAt = count * COLD_FIELDS;
    count += 1;
    lines[at + LINE_START] = p;
    lines[at + LINE_END] = e;
    if (e === p) {
      lines[at + LINE_FLAGS] = BLANK;
      p = e + 1;
      continue;
    }
    if (!scanLine(text, view, p, e, scan)) {
      lines[at + LINE_FLAGS] = MALFORMED;
      p = e + 1;
      continue;
    }
    let flags = 0;
    const contentEnd = receivedAtStart(text, p, e);
    hashBytes(view, text, p, contentEnd < 0 ? e : contentEnd, CONTENT_SEED);
    lines[at + LINE_C1] = hashOut[0];
    lines[at + LINE_C2] = hashOut[1];

    let sourceStart = scan.sourceStart;
    let sourceEnd = scan.sourceEnd;
    if (scan.sourceEscaped) {
      const canonical = canonicalString(text, sourceStart, sourceEnd);
      sourceStart = addExtra(canonical);
      sourceEnd = sourceStart + canonical.length;
      flags |= SOURCE_EXTRA;
    }
    let idStart = scan.idStart;
    let idEnd = scan.idEnd;
    if (scan.idEscaped) {
      const canonical = canonicalString(text, idStart, idEnd);
      idStart = addExtra(canonical);
      idEnd = idStart + canonical.length;
      flags |= ID_EXTRA;
    }
    // extra may have grown: views of it are made after both.
    const sourceBytes = flags & SOURCE_EXTRA ? extra! : text;
    const sourceView = sourceBytes === text ? view : viewOf(sourceBytes);
    const idBytes = flags & ID_EXTRA ? extra! : text;
    hashBytes(sourceView, sourceBytes, sourceStart, sourceEnd, SOURCE_SEED);
    const s0 = hashOut[0];
    const s1 = hashOut[1];
    if (packUuidInto(idBytes, idStart, idEnd, lines, at + LINE_UUID)) {
      flags |= ID_IS_UUID;
      hashUuid(
        lines[at + LINE_UUID],
        lines[at + LINE_UUID + 1],
        lines[at + LINE_UUID + 2],
        lines[at + LINE_UUID + 3],
      );
    } else {
      hashBytes(
        idBytes === text ? view : viewOf(idBytes),
        idBytes,
        idStart,
        idEnd,
        ID_SEED,
      );
    }
    mixKeyHash(s0, s1, hashOut[0], hashOut[1]);
    lines[at + LINE_H1] = hashOut[0];
    lines[at + LINE_H2] = hashOut[1];
    lines[at + LINE_SOURCE] = sources.intern(
      sourceBytes,
      sourceView,
      sourceStart,
      sourceEnd,
      s0,
    );
    cold[coldAt + COLD_SOURCE_START] = sourceStart;
    cold[coldAt + COLD_SOURCE_END] = sourceEnd;
    cold[coldAt + COLD_ID_START] = idStart;
    cold[coldAt + COLD_ID_END] = idEnd;
    if (scan.timeStart >= 0 && contentEnd >= 0) {
      const time = times.parse(view, text, scan.timeStart, scan.timeEnd);
      const receivedAt = times.parse(
        view,
        text,
        contentEnd + RECEIVED_AT_SUFFIX_LENGTH - 26,
        contentEnd + RECEIVED_AT_SUFFIX_LENGTH - 2,
      );
      const delay = receivedAt - time;
      if (!Number.isNaN(delay)) {
        flags |= HAS_DELAY;
        lines[at + LINE_DELAY] = Math.max(
          -0x7fffffff,
          Math.min(0x7fffffff, Math.floor(delay)),
        );
      }
    }
    lines[at + LINE_FLAGS] = flags;
    p = e + 1;
  }
  return {
    text,
    lines,
    cold,
    lineCount: count,
    extra: extra ? extra.subarray(0, extraLength) : new Uint8Array(0),
    newSources: sources.describe(firstNewSource),
    firstNewSource,
    worker: 0,
  };
}

const uuidBytes = new Uint8Array(16);
const uuidWords = new Int32Array(uuidBytes.buffer);

/** packUuid, the 16 bytes going to 4 int32s of `out` at `at`. */
function packUuidInto(
  b: Uint8Array,
  start: number,
  end: number,
  out: Int32Array,
  at: number,
): boolean {
  if (!packUuid(b, start, end, uuidBytes, 0)) return false;
  out[at] = uuidWords[0];
  out[at + 1] = uuidWords[1];
  out[at + 2] = uuidWords[2];
  out[at + 3] = uuidWords[3];
  return true;
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A piece of a delivered file: deflated lines ending in a sync flush. */
export type Chunk = {
  data: Uint8Array;
  /** CRC-32 and length of the lines it holds. */
  crc: number;
  bytes: number;
};

/**
 * What becomes of the kept lines of a file: a compressed chunk, or, when
 * they are few (a small file), the lines themselves, for the caller to
 * gather with those of the next files before compressing them.
 */
export type KeptLines =
  | { kind: 'chunk'; chunk: Chunk }
  | { kind: 'lines'; lines: Uint8Array };

export type KeepOptions = {
  /** Below this many kept bytes, return the lines, unless `compress`. */
  smallBytes: number;
  /** gzip level, 0 to 9. */
  level: number;
};

let keptScratch = Buffer.allocUnsafeSlow(0);

/**
 * Gathers the lines of `text` that `drops` does not list (pairs of [start,
 * end) of dropped lines, newline included, in order), each ending in a
 * newline, and deflates them; see KeptLines. One chunk per file: raw files
 * are a few MB at most.
 */
export function keepLines(
  text: Uint8Array,
  drops: Int32Array,
  dropCount: number,
  options: KeepOptions & { compress: boolean },
): KeptLines {
  let keptBytes = text.length;
  let end = 0;
  for (let d = 0; d < dropCount; d++) {
    const dropEnd = Math.min(drops[2 * d + 1], text.length);
    keptBytes -= dropEnd - drops[2 * d];
    end = dropEnd;
  }
  const needsNewline =
    text.length > 0 && end < text.length && text[text.length - 1] !== 10;
  const small = !options.compress && keptBytes < options.smallBytes;
  let kept: Uint8Array;
  if (dropCount === 0 && !needsNewline) {
    kept = text;
  } else {
    // The kept runs, copied together: into memory reused from file to file
    // when they are deflated here (fresh memory costs a page fault per 4
    // KiB, ~0.2 us per event), into their own when they are returned.
    const size = keptBytes + (needsNewline ? 1 : 0);
    if (small) {
      kept = Buffer.allocUnsafeSlow(size);
    } else {
      if (keptScratch.length < size) {
        // A little over the largest file so far: not twice it, which would
        // be held for the rest of the run.
        keptScratch = Buffer.allocUnsafeSlow(Math.ceil(size * 1.125));
      }
      kept = keptScratch.subarray(0, size);
    }
    let at = 0;
    let start = 0;
    for (let d = 0; d < dropCount; d++) {
      const dropStart = drops[2 * d];
      if (dropStart > start) {
        kept.set(text.subarray(start, dropStart), at);
        at += dropStart - start;
      }
      start = Math.min(drops[2 * d + 1], text.length);
    }
    if (start < text.length) {
      kept.set(text.subarray(start), at);
      at += text.length - start;
    }
    if (needsNewline) kept[at++] = 10;
  }
  if (small) {
    return { kind: 'lines', lines: kept };
  }
  return { kind: 'chunk', chunk: deflateChunk(kept, options.level) };
}

/** A Buffer over the same memory, for its native indexOf. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b)
    ? b
    : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Deflate settings of delivered files: memLevel 9 and a 16 KiB window, at
 * level 1 the fastest here at the ratio of the defaults (~4.7 on the bench
 * data), ending in a sync flush so that chunks can be concatenated (see
 * GzipParts.ts).
 */
const DEFLATE_OPTIONS: zlib.ZlibOptions = {
  memLevel: 9,
  windowBits: 14,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};

function deflateChunk(lines: Uint8Array, level: number): Chunk {
  if (lines.length === 0) return { data: new Uint8Array(0), crc: 0, bytes: 0 };
  const data = zlib.deflateRawSync(lines, {
    ...DEFLATE_OPTIONS,
    level,
    chunkSize: Math.max(64 * 1024, lines.length >>> 1),
  });
  return { data, crc: zlib.crc32(lines), bytes: lines.length };
}

/**
 * The dropped lines of an inflated raw file from a bitmap of its events
 * (bit i: the i-th non-blank line is dropped), as `keepLines` takes them;
 * blank lines are dropped too.
 */
export function dropsFromBits(
  bytes: Uint8Array,
  bits: Uint8Array,
): { drops: Int32Array; dropCount: number } {
  const text = asBuffer(bytes);
  let drops = new Int32Array(256);
  let dropCount = 0;
  let event = 0;
  let p = 0;
  while (p < text.length) {
    let e = text.indexOf(10, p);
    if (e < 0) e = text.length;
    let dropped = e === p;
    if (!dropped) {
      dropped = (bits[event >>> 3] & (1 << (event & 7))) !== 0;
      event += 1;
    }
    if (dropped) {
      if (2 * dropCount + 2 > drops.length) {
        const grown = new Int32Array(drops.length * 2);
        grown.set(drops);
        drops = grown;
      }
      drops[2 * dropCount] = p;
      drops[2 * dropCount + 1] = e + 1;
      dropCount += 1;
    }
    p = e + 1;
  }
  return { drops, dropCount };
}
