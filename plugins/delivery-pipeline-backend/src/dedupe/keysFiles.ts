import {
  ManifestKeys,
  ManifestKeysFile,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { sha256Of } from './GzipParts';
import { readVarint, SourceDictionary, varintEnd, writeVarint } from './keys';

/**
 * The keys of a delivered partition: every delivered `(source, id)` with
 * the hash of its event's content, so that later partitions can check their
 * events against it (lookback) without reading the events. Uncompressed
 * (the keys are mostly random UUID bytes), little-endian, varints unsigned
 * LEB128:
 *
 * `_keys-sources.bin`: the sources the key files number.
 *
 *   "DPSRCS02"   magic and version
 *   u32          number of sources
 *   per source:  varint length, then its JSON text (UTF-8)
 *
 * `_keys-00000.bin`, ...: at most ~32 MiB each.
 *
 *   "DPKEYS02"   magic and version
 *   u32          number of UUID keys
 *   u32          number of other keys
 *   UUID keys:   28 bytes each: i32 source number, the 16 bytes of the id
 *                (a canonical lowercase UUID), i32 x 2 content hash
 *   other keys:  the key as keys.ts encodes it (flags; source number or
 *                varint length and text; 16 UUID bytes, or varint length and
 *                text), then i32 x 2 content hash
 *
 * The UUID keys are the in-memory table entries as they are (UuidTable), so
 * writing them is a copy and reading them needs no parsing. A key file
 * holds keys, not events: the content hash only tells a resend from a
 * conflict.
 */
export const KEYS_FORMAT = 'delivery-pipeline-dedupe-keys/2';
const KEYS_MAGIC = Buffer.from('DPKEYS02', 'latin1');
const SOURCES_MAGIC = Buffer.from('DPSRCS02', 'latin1');
const KEYS_HEADER_BYTES = KEYS_MAGIC.length + 8;
export const UUID_KEY_BYTES = 28;

/** `_keys-00000.bin` */
export function keysFileName(index: number): string {
  return `_keys-${String(index).padStart(5, '0')}.bin`;
}

export const SOURCES_FILE_NAME = '_keys-sources.bin';

/** A key file or the sources file, as the manifest lists it. */
export type KeysFile = ManifestKeysFile;

/**
 * What the manifest says of the keys, in this deduper's format; `sources`
 * is absent when the partition has no keys (delivered empty): a quiet
 * window's partition is its manifest alone.
 */
export type KeysManifest = ManifestKeys & { format: typeof KEYS_FORMAT };

/** Writes key files from whole tables, in the order they are added. */
export class KeysFilesWriter {
  readonly #storage: PartitionStorage;
  readonly #folder: string;
  readonly #maxBytes: number;
  readonly #files: Promise<KeysFile>[] = [];

  /**
   * The file being filled: header, then UUID keys copied straight from the
   * tables (no list of copies to concatenate: a key file is held once).
   */
  #file: Buffer | undefined;
  #uuidBytes = 0;
  #other = Buffer.allocUnsafe(64 * 1024);
  #otherView = viewOf(this.#other);
  #otherBytes = 0;
  #otherCount = 0;

  /** Whether a file may be filled while the one before is written. */
  readonly #overlap: boolean;

  constructor(options: {
    storage: PartitionStorage;
    folder: string;
    maxBytes: number;
    /**
     * Fill a file while the one before is written (two files in memory
     * rather than one; true by default).
     */
    overlapWrites?: boolean;
  }) {
    this.#storage = options.storage;
    this.#folder = options.folder;
    this.#overlap = options.overlapWrites ?? true;
    this.#maxBytes = Math.max(options.maxBytes, 1024);
  }

  /** Adds UUID keys: the UuidTable entries [from, to) of `entries`. */
  addUuidEntries(entries: Int32Array, from: number, to: number): void {
    let start = from;
    while (start < to) {
      const room = Math.max(
        1,
        Math.floor((this.#maxBytes - this.#size()) / UUID_KEY_BYTES),
      );
      const end = Math.min(to, start + room);
      const bytes = (end - start) * UUID_KEY_BYTES;
      const at = KEYS_HEADER_BYTES + this.#uuidBytes;
      if (!this.#file || at + bytes > this.#file.length) {
        // Room for a whole file, unless it is less than its first keys.
        const grown = Buffer.allocUnsafeSlow(
          Math.max(this.#maxBytes, at + bytes),
        );
        this.#file?.copy(grown, 0, 0, at);
        this.#file = grown;
      }
      // A copy: the table goes on changing.
      this.#file.set(
        new Uint8Array(
          entries.buffer,
          entries.byteOffset + start * UUID_KEY_BYTES,
          bytes,
        ),
        at,
      );
      this.#uuidBytes += bytes;
      start = end;
      if (this.#size() >= this.#maxBytes) this.#flush();
    }
  }

  /** Adds another key: encoded as keys.ts does, with its content hash. */
  addOther(
    key: Uint8Array,
    start: number,
    end: number,
    c1: number,
    c2: number,
  ): void {
    const needed = end - start + 8;
    if (this.#otherBytes + needed > this.#other.length) {
      const grown = Buffer.allocUnsafe(
        Math.max(this.#other.length * 2, this.#otherBytes + needed),
      );
      this.#other.copy(grown, 0, 0, this.#otherBytes);
      this.#other = grown;
      this.#otherView = viewOf(grown);
    }
    this.#other.set(key.subarray(start, end), this.#otherBytes);
    this.#otherView.setInt32(this.#otherBytes + end - start, c1, true);
    this.#otherView.setInt32(this.#otherBytes + end - start + 4, c2, true);
    this.#otherBytes += needed;
    this.#otherCount += 1;
    if (this.#size() >= this.#maxBytes) this.#flush();
  }

  #size(): number {
    return KEYS_HEADER_BYTES + this.#uuidBytes + this.#otherBytes;
  }

  #flush(): void {
    const uuidCount = this.#uuidBytes / UUID_KEY_BYTES;
    if (uuidCount + this.#otherCount === 0) return;
    const size = this.#size();
    let content = this.#file;
    // A file far smaller than its buffer (the last one) gets its own: the
    // storage may keep what it is given.
    if (!content || content.length < size || content.length > 2 * size) {
      content = Buffer.allocUnsafeSlow(size);
      this.#file?.copy(content, 0, 0, KEYS_HEADER_BYTES + this.#uuidBytes);
    }
    content = content.subarray(0, size);
    KEYS_MAGIC.copy(content, 0);
    content.writeUInt32LE(uuidCount, KEYS_MAGIC.length);
    content.writeUInt32LE(this.#otherCount, KEYS_MAGIC.length + 4);
    this.#other.copy(
      content,
      KEYS_HEADER_BYTES + this.#uuidBytes,
      0,
      this.#otherBytes,
    );
    const count = uuidCount + this.#otherCount;
    this.#files.push(
      this.#write(
        `${this.#folder}/${keysFileName(this.#files.length)}`,
        content,
        count,
      ),
    );
    this.#file = undefined;
    this.#uuidBytes = 0;
    this.#otherBytes = 0;
    this.#otherCount = 0;
  }

  #write(path: string, content: Buffer, count: number): Promise<KeysFile> {
    const file = (async () => {
      const sha256 = await sha256Of(content);
      await this.#storage.write(path, content);
      return { path, count, bytes: content.length, sha256 };
    })();
    file.catch(() => {}); // Awaited by finish.
    return file;
  }

  /** Writes the last key file and the sources. */
  async finish(sources: SourceDictionary): Promise<KeysManifest> {
    this.#flush();
    if (this.#files.length === 0 && sources.count === 0) {
      return { format: KEYS_FORMAT, files: [] };
    }
    const parts: Uint8Array[] = [SOURCES_MAGIC, u32(sources.count)];
    for (let i = 0; i < sources.count; i++) {
      const bytes = sources.source(i);
      const length = new Uint8Array(5);
      parts.push(length.subarray(0, writeVarint(length, 0, bytes.length)));
      parts.push(Buffer.from(bytes));
    }
    const sourcesFile = this.#write(
      `${this.#folder}/${SOURCES_FILE_NAME}`,
      Buffer.concat(parts),
      sources.count,
    );
    return {
      format: KEYS_FORMAT,
      files: await Promise.all(this.#files),
      sources: await sourcesFile,
    };
  }

  /**
   * Resolves once at most one key file is being written (none without
   * `overlapWrites`): each holds up to `maxBytes` in memory until it is.
   */
  async ready(): Promise<void> {
    const files = this.#files;
    const writing = this.#overlap ? 1 : 0;
    if (files.length > writing) await files[files.length - 1 - writing];
  }

  async settle(): Promise<void> {
    await Promise.allSettled(this.#files);
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return b;
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function unreadable(path: string, why: string): Error {
  return new Error(`Key file ${path} is not readable: ${why}`);
}

/** The sources of a sources file: [start, end) of each one's text. */
export function readSourcesFile(
  content: Buffer,
  path: string,
): { starts: Int32Array; ends: Int32Array } {
  if (
    content.length < SOURCES_MAGIC.length + 4 ||
    !content.subarray(0, SOURCES_MAGIC.length).equals(SOURCES_MAGIC)
  ) {
    throw unreadable(path, 'it does not start with DPSRCS02');
  }
  const count = content.readUInt32LE(SOURCES_MAGIC.length);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let at = SOURCES_MAGIC.length + 4;
  for (let i = 0; i < count; i++) {
    const length = readVarint(content, at);
    starts[i] = varintEnd;
    ends[i] = varintEnd + length;
    at = ends[i];
    if (at > content.length) throw unreadable(path, 'it ends early');
  }
  return { starts, ends };
}

/**
 * Reads a key file: `onUuid` gets each UUID key (view and offset of its 28
 * bytes), `onOther` each other key (its encoding at content[start, end)).
 */
export function readKeysFile(
  content: Buffer,
  path: string,
  onUuid: (view: DataView, at: number) => void,
  onOther: (
    content: Buffer,
    start: number,
    end: number,
    c1: number,
    c2: number,
  ) => void,
): void {
  if (
    content.length < KEYS_HEADER_BYTES ||
    !content.subarray(0, KEYS_MAGIC.length).equals(KEYS_MAGIC)
  ) {
    throw unreadable(path, 'it does not start with DPKEYS02');
  }
  const uuidCount = content.readUInt32LE(KEYS_MAGIC.length);
  const otherCount = content.readUInt32LE(KEYS_MAGIC.length + 4);
  const view = viewOf(content);
  let at = KEYS_HEADER_BYTES;
  if (at + uuidCount * UUID_KEY_BYTES > content.length) {
    throw unreadable(path, 'it ends early');
  }
  for (let k = 0; k < uuidCount; k++, at += UUID_KEY_BYTES) onUuid(view, at);
  for (let k = 0; k < otherCount; k++) {
    const start = at;
    const end = encodedKeyEnd(content, start);
    if (end + 8 > content.length) throw unreadable(path, 'it ends early');
    onOther(
      content,
      start,
      end,
      view.getInt32(end, true),
      view.getInt32(end + 4, true),
    );
    at = end + 8;
  }
  if (at !== content.length) {
    throw unreadable(path, 'it has bytes after its last key');
  }
}

/** Where the encoded key at `b[start]` ends (see keys.ts). */
function encodedKeyEnd(b: Uint8Array, start: number): number {
  const flags = b[start];
  let at = start + 1;
  if (flags & 1) {
    readVarint(b, at);
    at = varintEnd;
  } else {
    const length = readVarint(b, at);
    at = varintEnd + length;
  }
  if (flags & 2) return at + 16;
  const length = readVarint(b, at);
  return varintEnd + length;
}
