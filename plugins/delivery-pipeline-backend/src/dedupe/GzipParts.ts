import {
  DeliveredFile,
  failpoint,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { webcrypto } from 'node:crypto';
import { release } from './bytes';
import { Chunk } from './fileTasks';

/** Delivered files being assembled and written at once, at most. */
const MAX_WRITING = 2;

/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown). */
const GZIP_HEADER = Buffer.from([
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
]);
/** A final block with fixed codes holding only its end code. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Assembles delivered files, `part-00000.ndjson.gz`, ..., from chunks: each
 * chunk is lines deflated on their own, ending in a sync flush (an empty
 * stored block, so on a byte boundary), so that chunks can be concatenated
 * into one deflate stream, as pigz does. A file is a gzip header, its
 * chunks, an empty final block, then the CRC-32 (combined from the chunks')
 * and the length of its lines: one ordinary gzip member. Chunks are
 * deflated in parallel (in worker threads), without a dictionary from the
 * chunk before, which costs ~0.1% of the size with chunks of a raw file's
 * lines (MBs; small files are gathered first).
 *
 * A file takes chunks until the next one would bring it over `fileBytes`
 * of lines (at least one chunk). Deterministic: file boundaries depend only
 * on the chunks, the header has no time or name, and zlib gives the same
 * bytes for the same input and settings; so the same lines give the same
 * files and checksum, as long as Node's zlib is the same.
 */
export class GzipParts {
  readonly #storage: PartitionStorage;
  readonly #folder: string;
  readonly #fileBytes: number;
  #part: Part = newPart();
  readonly #writes: Promise<DeliveredFile>[] = [];
  #writing = 0;

  readonly #sha256: (
    bytes: Buffer,
  ) => Promise<{ bytes: Buffer; sha256: string }>;

  constructor(options: {
    storage: PartitionStorage;
    folder: string;
    fileBytes: number;
    /**
     * Hashes a file's bytes and gives them back (a worker thread may take
     * them meanwhile): off the main thread, which has enough to do.
     */
    sha256: (bytes: Buffer) => Promise<{ bytes: Buffer; sha256: string }>;
  }) {
    this.#storage = options.storage;
    this.#folder = options.folder;
    this.#fileBytes = options.fileBytes;
    this.#sha256 = options.sha256;
  }

  /**
   * Adds a chunk of `bytes` bytes of lines holding `events` events; the
   * chunk itself may still be being deflated.
   */
  add(bytes: number, events: number, chunk: Chunk | Promise<Chunk>): void {
    if (bytes === 0) return;
    if (this.#part.bytes > 0 && this.#part.bytes + bytes > this.#fileBytes) {
      this.#close();
    }
    const part = this.#part;
    part.bytes += bytes;
    part.events += events;
    part.chunks.push(chunk);
  }

  /** Resolves once at most `MAX_WRITING` files are being written. */
  async ready(): Promise<void> {
    while (this.#writing > MAX_WRITING) {
      await this.#writes[this.#writes.length - 1 - MAX_WRITING];
    }
  }

  /** Writes the last file; resolves to all files, in order. */
  async finish(): Promise<DeliveredFile[]> {
    this.#close();
    return Promise.all(this.#writes);
  }

  /** Waits for the writes under way, whatever their outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#writes);
  }

  #close(): void {
    const part = this.#part;
    if (part.bytes === 0) return;
    this.#part = newPart();
    const path = `${this.#folder}/${partName(this.#writes.length)}`;
    this.#writing += 1;
    const write = this.#write(path, part).finally(() => {
      this.#writing -= 1;
    });
    write.catch(() => {}); // Awaited by finish; not unhandled meanwhile.
    this.#writes.push(write);
  }

  async #write(path: string, part: Part): Promise<DeliveredFile> {
    const chunks = await Promise.all(part.chunks);
    let crc = 0;
    for (const chunk of chunks) crc = crc32Combine(crc, chunk.crc, chunk.bytes);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(part.bytes % 2 ** 32, 4);
    const file = Buffer.concat([
      GZIP_HEADER,
      ...chunks.map(chunk => chunk.data),
      FINAL_EMPTY_BLOCK,
      trailer,
    ]);
    // The chunks are in the file now: not held while it is hashed and
    // written (a file's worth of memory). Only this class has them.
    release(...chunks.map(chunk => chunk.data));
    chunks.length = 0;
    part.chunks = [];
    const { bytes: content, sha256 } = await this.#sha256(file);
    await this.#storage.write(path, content);
    failpoint('dedupe.mid-delivery');
    return { path, events: part.events, bytes: content.length, sha256 };
  }
}

type Part = {
  chunks: Array<Chunk | Promise<Chunk>>;
  bytes: number;
  events: number;
};

function newPart(): Part {
  return { chunks: [], bytes: 0, events: 0 };
}

/** `part-00000.ndjson.gz` */
export function partName(index: number): string {
  return `part-${String(index).padStart(5, '0')}.ndjson.gz`;
}

/** `sha256:<hex>` of bytes, hashed in the thread pool. */
export async function sha256Of(content: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', content);
  return `sha256:${Buffer.from(digest).toString('hex')}`;
}

// CRC-32 of A followed by B from the CRC-32s of A and B and B's length:
// zlib's crc32_combine (multiplying by x^(8 * length) in GF(2) by squaring
// an operator matrix), as Node does not expose it.

function gf2MatrixTimes(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0, v = vector; v !== 0; i++, v >>>= 1) {
    if (v & 1) sum ^= matrix[i];
  }
  return sum >>> 0;
}

function gf2MatrixSquare(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2MatrixTimes(matrix, matrix[n]);
}

export function crc32Combine(crc1: number, crc2: number, length2: number) {
  if (length2 <= 0) return crc1 >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320; // the CRC-32 polynomial, reflected
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  gf2MatrixSquare(even, odd); // 2 zero bits
  gf2MatrixSquare(odd, even); // 4 zero bits
  let crc = crc1 >>> 0;
  let length = length2;
  do {
    gf2MatrixSquare(even, odd);
    if (length % 2 === 1) crc = gf2MatrixTimes(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    gf2MatrixSquare(odd, even);
    if (length % 2 === 1) crc = gf2MatrixTimes(odd, crc);
    length = Math.floor(length / 2);
  } while (length !== 0);
  return (crc ^ crc2) >>> 0;
}
