import { release } from './bytes';
import { hashBytes, hashOut, hashUuid, mixKeyHash } from './hash';
import { ID_SEED, SOURCE_SEED } from './lineLayout';

/**
 * Deduplication keys, `(source, id)`, in a compact exact form, and the hash
 * tables that hold them.
 *
 * Equality is always decided on the whole key: hashes only pick a bucket
 * and a slot. To keep the tables small the key is encoded losslessly:
 *
 *   [flags] [source] [id]
 *   flags  bit 0: source is an index into the source dictionary (a varint),
 *                 else a varint length and the source's bytes;
 *          bit 1: id is a canonical lowercase UUID, stored as its 16 bytes,
 *                 else a varint length and the id's bytes.
 *
 * Sources are few (one per producing service instance) and ids are nearly
 * always UUIDs, so a key of ~60 bytes of JSON is ~19 bytes here; keys of
 * that form live in UuidTables as fixed 28-byte entries (~40 bytes with
 * their slot: 10 million keys in ~400 MB), the others in KeyTables. The
 * form of a key never changes during a run: a source is numbered the first
 * time it is met while the dictionary has room, and then always; one first
 * met once it is full is always stored inline.
 *
 * Key bytes are the JSON text of the strings, which is canonical because
 * ingest writes JSON.stringify's output; a string with a backslash escape is
 * decoded and re-encoded with JSON.stringify first, so `"\u0041"` and `"A"`
 * are the same key even in lines written by hand.
 */

export const SOURCE_INTERNED = 1;
export const ID_UUID = 2;

const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX[0x30 + d] = d;
for (let d = 0; d < 6; d++) HEX[0x61 + d] = 10 + d;

/**
 * Writes the 16 bytes of the UUID in `b[start, end)` at `out[at]`; false when
 * it is not a UUID in canonical lowercase form (then `out` may be scribbled).
 */
export function packUuid(
  b: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
  if (
    end - start !== 36 ||
    b[start + 8] !== 0x2d ||
    b[start + 13] !== 0x2d ||
    b[start + 18] !== 0x2d ||
    b[start + 23] !== 0x2d
  ) {
    return false;
  }
  let i = start;
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) i++;
    const high = HEX[b[i]];
    const low = HEX[b[i + 1]];
    if ((high | low) < 0) return false;
    out[at + k] = (high << 4) | low;
    i += 2;
  }
  return true;
}

const HEX_DIGITS = '0123456789abcdef';

/** The canonical text of 16 UUID bytes. */
export function unpackUuid(b: Uint8Array, at: number): string {
  let text = '';
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) text += '-';
    text += HEX_DIGITS[b[at + k] >> 4] + HEX_DIGITS[b[at + k] & 15];
  }
  return text;
}

/** Writes `value` as a LEB128 varint at `out[at]`; returns the next index. */
export function writeVarint(
  out: Uint8Array,
  start: number,
  value: number,
): number {
  let at = start;
  let rest = value;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[at++] = rest;
  return at;
}

/** The varint at `b[at]`; its end goes to `varintEnd`. */
export let varintEnd = 0;
export function readVarint(b: Uint8Array, start: number): number {
  let at = start;
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  varintEnd = at;
  return value;
}

/**
 * Whether `length` bytes at `aStart` of one buffer and `bStart` of another
 * (through DataViews) are equal, compared 4 at a time.
 */
export function equalBytes(
  a: DataView,
  aStart: number,
  b: DataView,
  bStart: number,
  length: number,
): boolean {
  let k = 0;
  for (const last = length - 4; k <= last; k += 4) {
    if (a.getInt32(aStart + k, true) !== b.getInt32(bStart + k, true)) {
      return false;
    }
  }
  for (; k < length; k++) {
    if (a.getUint8(aStart + k) !== b.getUint8(bStart + k)) return false;
  }
  return true;
}

/** `Uint8Array` growth: to at least `needed`, by half again at least. */
function grownBytes(array: Uint8Array, used: number, needed: number) {
  const next = new Uint8Array(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array.subarray(0, used));
  return next;
}

function grownInt32(array: Int32Array, used: number, needed: number) {
  const next = new Int32Array(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array.subarray(0, used));
  return next;
}

/** Bounds of every source dictionary. */
export const SOURCE_LIMITS = {
  maxSources: 1 << 20,
  maxBytes: 64 * 1024 * 1024,
};

/**
 * Sources seen in the run, each with a small number, so that a key names
 * its source in one or two bytes. Bounded: once full, new sources are stored
 * in their keys.
 */
export class SourceDictionary {
  readonly #maxSources: number;
  readonly #maxBytes: number;
  // Open addressing: pairs of [index + 1, hash].
  #slots = new Int32Array(2 * 1024);
  #mask = 1023;
  #offsets = new Int32Array(1025);
  #hashes = new Int32Array(1024);
  #arena = new Uint8Array(16 * 1024);
  #arenaView = new DataView(this.#arena.buffer);
  #arenaLength = 0;
  count = 0;

  constructor(options: { maxSources: number; maxBytes: number }) {
    this.#maxSources = options.maxSources;
    this.#maxBytes = options.maxBytes;
  }

  /** Bytes of memory held. */
  get bytes(): number {
    return (
      this.#slots.byteLength + this.#offsets.byteLength + this.#arena.byteLength
    );
  }

  /**
   * The number of the source in `b[start, end)` (hashed to `hash`),
   * adding it if there is room; -1 when it is not in a full dictionary.
   */
  intern(
    b: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    hash: number,
  ): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const length = end - start;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[2 * slot] - 1;
      if (entry < 0) break;
      if (slots[2 * slot + 1] === hash) {
        const offset = this.#offsets[entry];
        if (
          this.#offsets[entry + 1] - offset === length &&
          equalBytes(this.#arenaView, offset, view, start, length)
        ) {
          return entry;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (
      this.count >= this.#maxSources ||
      this.#arenaLength + length > this.#maxBytes
    ) {
      return -1;
    }
    const index = this.count++;
    slots[2 * slot] = index + 1;
    slots[2 * slot + 1] = hash;
    if (this.#arenaLength + length > this.#arena.length) {
      this.#arena = grownBytes(
        this.#arena,
        this.#arenaLength,
        this.#arenaLength + length,
      );
      this.#arenaView = new DataView(this.#arena.buffer);
    }
    this.#arena.set(b.subarray(start, end), this.#arenaLength);
    this.#arenaLength += length;
    if (index + 2 > this.#offsets.length) {
      this.#offsets = grownInt32(this.#offsets, index + 1, index + 2);
    }
    this.#offsets[index + 1] = this.#arenaLength;
    if (index >= this.#hashes.length) {
      this.#hashes = grownInt32(this.#hashes, index, index + 1);
    }
    this.#hashes[index] = hash;
    if (this.count * 2 > mask) this.#grow();
    return index;
  }

  /**
   * The sources from number `first` on: for each, its hash (int32 LE), its
   * length (varint) and its bytes.
   */
  describe(first: number): Uint8Array {
    let size = 0;
    for (let i = first; i < this.count; i++) {
      size += 9 + this.#offsets[i + 1] - this.#offsets[i];
    }
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    let at = 0;
    for (let i = first; i < this.count; i++) {
      view.setInt32(at, this.#hashes[i], true);
      const bytes = this.source(i);
      at = writeVarint(out, at + 4, bytes.length);
      out.set(bytes, at);
      at += bytes.length;
    }
    return out.subarray(0, at);
  }

  /** The bytes of source number `index` (a view, valid until the next intern). */
  source(index: number): Uint8Array {
    return this.#arena.subarray(this.#offsets[index], this.#offsets[index + 1]);
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    const slots = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0) continue;
      let slot = old[s + 1] & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = old[s];
      slots[2 * slot + 1] = old[s + 1];
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/**
 * The keys of one bucket: an open-addressing table (linear probing, load at
 * most 3/4) of entries, each an encoded key in an arena plus the 64-bit hash
 * of the content of its first event. Entries keep their insertion order,
 * which is the order of first occurrence.
 */
export class KeyTable {
  // Pairs of [entry + 1, h2]: h2 (the key hash's low half) places the entry
  // and, compared in full, spares a visit to the arena for all but true
  // matches. The bucket is chosen by h1.
  slots: Int32Array;
  mask: number;
  count = 0;
  /** Entries [0, priorCount) came from earlier partitions (lookback). */
  priorCount = 0;
  /** Entry i's key is arena[offsets[i], offsets[i + 1]). */
  offsets: Int32Array;
  /** Pairs: the content hash of entry i. */
  contents: Int32Array;
  arena: Uint8Array;
  arenaLength = 0;

  constructor(capacity = 64) {
    this.slots = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
    this.offsets = new Int32Array(capacity + 1);
    this.contents = new Int32Array(2 * capacity);
    this.arena = new Uint8Array(capacity * 20);
  }

  /** Bytes of memory held. */
  get bytes(): number {
    return (
      this.slots.byteLength +
      this.offsets.byteLength +
      this.contents.byteLength +
      this.arena.byteLength
    );
  }

  /**
   * Looks the key `key[0, length)` (hashed to h2) up. Returns the index
   * of the entry holding it, or -1 after adding it with content hash
   * (c1, c2).
   */
  insert(
    key: Uint8Array,
    length: number,
    h2: number,
    c1: number,
    c2: number,
  ): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = h2 & mask;
    for (;;) {
      const entry = slots[2 * slot] - 1;
      if (entry < 0) break;
      if (slots[2 * slot + 1] === h2) {
        const offset = this.offsets[entry];
        if (this.offsets[entry + 1] - offset === length) {
          const arena = this.arena;
          let k = 0;
          while (k < length && arena[offset + k] === key[k]) k++;
          if (k === length) return entry;
        }
      }
      slot = (slot + 1) & mask;
    }
    const index = this.count;
    slots[2 * slot] = index + 1;
    slots[2 * slot + 1] = h2;
    this.#append(key, length, c1, c2);
    if (this.count * 4 > mask * 3) this.#grow();
    return -1;
  }

  #append(key: Uint8Array, length: number, c1: number, c2: number): void {
    const index = this.count++;
    if (this.arenaLength + length > this.arena.length) {
      this.arena = grownBytes(
        this.arena,
        this.arenaLength,
        this.arenaLength + length,
      );
    }
    const arena = this.arena;
    const at = this.arenaLength;
    for (let k = 0; k < length; k++) arena[at + k] = key[k];
    this.arenaLength += length;
    if (index + 2 > this.offsets.length) {
      this.offsets = grownInt32(this.offsets, index + 1, index + 2);
      this.contents = grownInt32(
        this.contents,
        2 * index,
        this.offsets.length * 2,
      );
    }
    this.offsets[index + 1] = this.arenaLength;
    this.contents[2 * index] = c1;
    this.contents[2 * index + 1] = c2;
  }

  #grow(): void {
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const slots = new Int32Array(2 * capacity);
    const old = this.slots;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0) continue;
      let slot = old[s + 1] & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = old[s];
      slots[2 * slot + 1] = old[s + 1];
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** int32s per UuidTable entry. */
export const UUID_ENTRY = 7;

/**
 * The keys of one bucket whose source is in the dictionary and whose id is a
 * UUID (nearly all keys), as fixed-size entries of 7 int32s: the source's
 * number, the 16 bytes of the UUID, and the content hash; 28 bytes. Open
 * addressing (linear probing, load at most 3/4) over int32 slots holding
 * the entry number + 1 and 8 bits of the slot hash, which spare a visit to
 * the entry for nearly all occupied slots that are not the key. The slot
 * hash is recomputed from the entry when the table grows, so it is not
 * kept: ~42 bytes per key in all. Equality is on the whole entry.
 */
export class UuidTable {
  slots: Int32Array;
  mask: number;
  count = 0;
  /** Entries [0, priorCount) came from earlier partitions (lookback). */
  priorCount = 0;
  /** UUID_ENTRY int32s per entry: source, uuid x 4, content hash x 2. */
  entries: Int32Array;

  constructor(capacity = 64) {
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.entries = new Int32Array(UUID_ENTRY * capacity);
  }

  get bytes(): number {
    return this.slots.byteLength + this.entries.byteLength;
  }

  /**
   * Looks the key (source number, UUID as 4 int32s) up. Returns the number
   * of the entry holding it, or -1 after adding it with content hash
   * (c1, c2).
   */
  insert(
    source: number,
    u0: number,
    u1: number,
    u2: number,
    u3: number,
    c1: number,
    c2: number,
  ): number {
    return this.insertHashed(
      uuidSlotHash(source, u0, u1, u2, u3),
      source,
      u0,
      u1,
      u2,
      u3,
      c1,
      c2,
    );
  }

  /** insert, with the key's uuidSlotHash already computed. */
  insertHashed(
    hash: number,
    source: number,
    u0: number,
    u1: number,
    u2: number,
    u3: number,
    c1: number,
    c2: number,
  ): number {
    const tag = hash >>> 24;
    const slots = this.slots;
    const mask = this.mask;
    const entries = this.entries;
    let slot = hash & mask;
    for (;;) {
      const value = slots[slot];
      if (value === 0) break;
      if ((value & 0xff) === tag) {
        const entry = (value >>> 8) - 1;
        const at = UUID_ENTRY * entry;
        if (
          entries[at + 1] === u0 &&
          entries[at + 2] === u1 &&
          entries[at + 3] === u2 &&
          entries[at + 4] === u3 &&
          entries[at] === source
        ) {
          return entry;
        }
      }
      slot = (slot + 1) & mask;
    }
    const index = this.count++;
    if (index + 1 >= 1 << 23) {
      throw new Error('More than 8 million keys in one bucket');
    }
    slots[slot] = ((index + 1) << 8) | tag;
    let at = UUID_ENTRY * index;
    if (at + UUID_ENTRY > entries.length) {
      this.entries = grownInt32(entries, at, at + UUID_ENTRY);
    }
    const target = this.entries;
    target[at++] = source;
    target[at++] = u0;
    target[at++] = u1;
    target[at++] = u2;
    target[at++] = u3;
    target[at++] = c1;
    target[at] = c2;
    if (this.count * 4 > mask * 3) this.#grow();
    return -1;
  }

  /** Makes room for `keys` keys in all without growing. */
  reserve(keys: number): void {
    let capacity = this.mask + 1;
    while (keys * 4 > (capacity - 1) * 3) capacity *= 2;
    if (capacity > this.mask + 1) {
      this.mask = capacity / 2 - 1;
      this.#grow();
    }
    if (UUID_ENTRY * keys > this.entries.length) {
      const entries = new Int32Array(UUID_ENTRY * keys);
      entries.set(this.entries.subarray(0, UUID_ENTRY * this.count));
      this.entries = entries;
    }
  }

  /** Where the key's slot search starts: for touching it ahead of insert. */
  slotOf(source: number, u0: number, u1: number, u2: number, u3: number) {
    return uuidSlotHash(source, u0, u1, u2, u3) & this.mask;
  }

  #grow(): void {
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const slots = new Int32Array(capacity);
    const entries = this.entries;
    for (let entry = 0; entry < this.count; entry++) {
      const at = UUID_ENTRY * entry;
      const hash = uuidSlotHash(
        entries[at],
        entries[at + 1],
        entries[at + 2],
        entries[at + 3],
        entries[at + 4],
      );
      let slot = hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = ((entry + 1) << 8) | (hash >>> 24);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Where a UuidTable looks a key up (low bits) and its tag (high 8 bits). */
export function uuidSlotHash(
  source: number,
  u0: number,
  u1: number,
  u2: number,
  u3: number,
): number {
  let h = Math.imul(u0 ^ Math.imul(source, 0x27d4eb2f), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ u1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13) ^ u2, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ u3, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * The keys of one bucket: those of a dictionary source and a UUID id in a
 * UuidTable, the others in a KeyTable (made when first needed). A key has
 * one of the two forms for the whole run, so it is always in the same one.
 */
export class BucketTables {
  readonly uuid: UuidTable;
  other: KeyTable | undefined;
  /** Whether the last insertEncoded went to the UUID table. */
  #lastUuid = false;

  constructor(uuidCapacity = 16) {
    this.uuid = new UuidTable(uuidCapacity);
  }

  get bytes(): number {
    return this.uuid.bytes + (this.other?.bytes ?? 0);
  }

  /** Frees the tables' memory now (bytes.ts release); not usable after. */
  release(): void {
    const { uuid, other } = this;
    release(uuid.slots, uuid.entries);
    if (other) {
      release(other.slots, other.offsets, other.contents, other.arena);
    }
  }

  /**
   * Inserts the encoded key `key[0, length)` (hashed to h2), as a key from
   * an earlier partition when `prior`; returns what insert returns.
   */
  insertEncoded(
    key: Uint8Array,
    keyView: DataView,
    length: number,
    h2: number,
    c1: number,
    c2: number,
    prior: boolean,
  ): number {
    if (key[0] === (SOURCE_INTERNED | ID_UUID)) {
      const source = readVarint(key, 1);
      const at = varintEnd;
      this.#lastUuid = true;
      const existing = this.uuid.insert(
        source,
        keyView.getInt32(at, true),
        keyView.getInt32(at + 4, true),
        keyView.getInt32(at + 8, true),
        keyView.getInt32(at + 12, true),
        c1,
        c2,
      );
      if (prior && existing < 0) this.uuid.priorCount += 1;
      return existing;
    }
    this.#lastUuid = false;
    const other = (this.other ??= new KeyTable(16));
    const existing = other.insert(key, length, h2, c1, c2);
    if (prior && existing < 0) other.priorCount += 1;
    return existing;
  }

  /** Whether the entry found by the last insertEncoded has content (c1, c2). */
  sameContent(entry: number, c1: number, c2: number): boolean {
    if (this.#lastUuid) {
      const entries = this.uuid.entries;
      return (
        entries[UUID_ENTRY * entry + 5] === c1 &&
        entries[UUID_ENTRY * entry + 6] === c2
      );
    }
    const contents = this.other!.contents;
    return contents[2 * entry] === c1 && contents[2 * entry + 1] === c2;
  }
}

/**
 * Builds encoded keys in `key[0, keyLength)` with their hash in h1 (which
 * picks the bucket) and h2, on the main thread: from a line scanned by
 * scanRawFile (which hashed it), from the parts of a key file or a UuidTable
 * entry, or from an encoded key (hashed again).
 *
 * The key hash is computed from the source's and the id's JSON text (see
 * fileTasks.ts), not from the encoding, whose source numbers depend on the
 * run: so workers can hash keys without the dictionary.
 */
export class KeyEncoder {
  key = new Uint8Array(1024);
  keyView = new DataView(this.key.buffer);
  keyLength = 0;
  h1 = 0;
  h2 = 0;
  readonly sources: SourceDictionary;
  readonly #decoded: DecodedKey = {
    sourceIndex: -1,
    sourceStart: -1,
    sourceEnd: -1,
    idIsUuid: false,
    idStart: 0,
    idEnd: 0,
  };

  constructor(sources: SourceDictionary) {
    this.sources = sources;
  }

  #room(bytes: number): void {
    if (bytes > this.key.length) {
      this.key = new Uint8Array(bytes * 2);
      this.keyView = new DataView(this.key.buffer);
    }
  }

  /**
   * Encodes a key from the JSON text of its source, `sourceBytes[sourceStart,
   * sourceEnd)`, its number in the dictionary or -1, and its id: the 16
   * bytes of a UUID as 4 int32s when `idIsUuid`, else `idBytes[idStart,
   * idEnd)`. Leaves h1 and h2 alone.
   */
  encode(
    sourceIndex: number,
    sourceBytes: Uint8Array,
    sourceStart: number,
    sourceEnd: number,
    idIsUuid: boolean,
    u0: number,
    u1: number,
    u2: number,
    u3: number,
    idBytes: Uint8Array,
    idStart: number,
    idEnd: number,
  ): void {
    this.#room(21 + (sourceEnd - sourceStart) + (idEnd - idStart));
    const key = this.key;
    let at: number;
    if (sourceIndex >= 0) {
      key[0] = SOURCE_INTERNED;
      at = writeVarint(key, 1, sourceIndex);
    } else {
      key[0] = 0;
      at = writeVarint(key, 1, sourceEnd - sourceStart);
      for (let k = sourceStart; k < sourceEnd; k++) key[at++] = sourceBytes[k];
    }
    if (idIsUuid) {
      key[0] |= ID_UUID;
      const view = this.keyView;
      view.setInt32(at, u0, true);
      view.setInt32(at + 4, u1, true);
      view.setInt32(at + 8, u2, true);
      view.setInt32(at + 12, u3, true);
      at += 16;
    } else {
      at = writeVarint(key, at, idEnd - idStart);
      for (let k = idStart; k < idEnd; k++) key[at++] = idBytes[k];
    }
    this.keyLength = at;
  }

  /** Encodes the key of a UuidTable entry. */
  encodeUuid(entries: Int32Array, at: number): void {
    this.encode(
      entries[at],
      this.key,
      0,
      0,
      true,
      entries[at + 1],
      entries[at + 2],
      entries[at + 3],
      entries[at + 4],
      this.key,
      0,
      0,
    );
  }

  /** Hashes the encoded key `b[start, end)` again into h1 and h2. */
  rehash(b: Uint8Array, start: number, end: number): void {
    const decoded = this.#decoded;
    decodeKey(b, start, decoded);
    let sourceBytes = b;
    let sourceStart = decoded.sourceStart;
    let sourceEnd = decoded.sourceEnd;
    if (decoded.sourceIndex >= 0) {
      sourceBytes = this.sources.source(decoded.sourceIndex);
      sourceStart = 0;
      sourceEnd = sourceBytes.length;
    }
    this.#hashParts(
      sourceBytes,
      sourceStart,
      sourceEnd,
      b,
      decoded.idStart,
      decoded.idEnd,
      decoded.idIsUuid,
    );
    if (decoded.idEnd !== end) throw new Error('Bad key encoding');
  }

  /**
   * The key hash from the JSON text of the source and of the id (or the 16
   * bytes of a UUID id), into h1 and h2; returns the source's hash.
   */
  #hashParts(
    sourceBytes: Uint8Array,
    sourceStart: number,
    sourceEnd: number,
    idBytes: Uint8Array,
    idStart: number,
    idEnd: number,
    idIsUuid: boolean,
  ): number {
    hashBytes(
      viewOf(sourceBytes),
      sourceBytes,
      sourceStart,
      sourceEnd,
      SOURCE_SEED,
    );
    const s0 = hashOut[0];
    const s1 = hashOut[1];
    if (idIsUuid) {
      const view = viewOf(idBytes);
      hashUuid(
        view.getInt32(idStart, true),
        view.getInt32(idStart + 4, true),
        view.getInt32(idStart + 8, true),
        view.getInt32(idStart + 12, true),
      );
    } else {
      hashBytes(viewOf(idBytes), idBytes, idStart, idEnd, ID_SEED);
    }
    mixKeyHash(s0, s1, hashOut[0], hashOut[1]);
    this.h1 = hashOut[0];
    this.h2 = hashOut[1];
    return s0;
  }

  /**
   * Encodes and hashes a key given as the JSON text of its source,
   * `sourceBytes[sourceStart, sourceEnd)`, and its id, `idBytes[idStart,
   * idEnd)` (the 16 bytes of a UUID when `idIsUuid`), as key files hold
   * them.
   */
  encodeParts(
    sourceBytes: Uint8Array,
    sourceStart: number,
    sourceEnd: number,
    idBytes: Uint8Array,
    idStart: number,
    idEnd: number,
    idIsUuid: boolean,
  ): void {
    const s0 = this.#hashParts(
      sourceBytes,
      sourceStart,
      sourceEnd,
      idBytes,
      idStart,
      idEnd,
      idIsUuid,
    );
    const sourceIndex = this.sources.intern(
      sourceBytes,
      viewOf(sourceBytes),
      sourceStart,
      sourceEnd,
      s0,
    );
    this.#room(21 + (sourceEnd - sourceStart) + (idEnd - idStart));
    const key = this.key;
    let at: number;
    if (sourceIndex >= 0) {
      key[0] = SOURCE_INTERNED;
      at = writeVarint(key, 1, sourceIndex);
    } else {
      key[0] = 0;
      at = writeVarint(key, 1, sourceEnd - sourceStart);
      for (let k = sourceStart; k < sourceEnd; k++) key[at++] = sourceBytes[k];
    }
    if (idIsUuid) {
      key[0] |= ID_UUID;
    } else {
      at = writeVarint(key, at, idEnd - idStart);
    }
    for (let k = idStart; k < idEnd; k++) key[at++] = idBytes[k];
    this.keyLength = at;
  }
}

let viewed: Uint8Array | undefined;
let viewedView: DataView | undefined;

/** A DataView of the bytes, the last one made again if it is asked again. */
function viewOf(b: Uint8Array): DataView {
  if (b !== viewed) {
    viewed = b;
    viewedView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return viewedView!;
}

/**
 * The canonical JSON text (without quotes) of the string whose contents are
 * `b[start, end)`: decoded, then encoded again by JSON.stringify.
 */
export function canonicalString(
  b: Uint8Array,
  start: number,
  end: number,
): Buffer {
  const text = Buffer.from(b.buffer, b.byteOffset + start - 1, end - start + 2);
  const value: string = JSON.parse(text.toString('utf8'));
  const json = JSON.stringify(value);
  return Buffer.from(json.slice(1, -1), 'utf8');
}

/**
 * The parts of an encoded key. Interned sources come back as their numbers,
 * for the caller to look up in the dictionary of the run.
 */
export type DecodedKey = {
  sourceIndex: number;
  /** When not interned: bounds of the source bytes in the key. */
  sourceStart: number;
  sourceEnd: number;
  idIsUuid: boolean;
  idStart: number;
  idEnd: number;
};

/** Decodes the key at `b[start, end)` into `out`. */
export function decodeKey(b: Uint8Array, start: number, out: DecodedKey): void {
  const flags = b[start];
  let at = start + 1;
  if (flags & SOURCE_INTERNED) {
    out.sourceIndex = readVarint(b, at);
    at = varintEnd;
    out.sourceStart = out.sourceEnd = -1;
  } else {
    const length = readVarint(b, at);
    out.sourceIndex = -1;
    out.sourceStart = varintEnd;
    out.sourceEnd = varintEnd + length;
    at = out.sourceEnd;
  }
  if (flags & ID_UUID) {
    out.idIsUuid = true;
    out.idStart = at;
    out.idEnd = at + 16;
  } else {
    const length = readVarint(b, at);
    out.idIsUuid = false;
    out.idStart = varintEnd;
    out.idEnd = varintEnd + length;
  }
}
