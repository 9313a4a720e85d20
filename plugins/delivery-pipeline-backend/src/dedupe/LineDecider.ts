import { DedupeTally } from './DedupeTally';
import { DeferredDrops } from './DeferredDrops';
import { ScannedFile } from './fileTasks';
import { BUCKET_BITS, KeyIndex } from './KeyIndex';
import { UUID_ENTRY, uuidSlotHash } from './keys';
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
} from './lineLayout';
import { NOT_NUMBERED, SourceNumbering } from './SourceNumbering';
import { EVENT, NO_DELAY } from './spillFiles';

/** Lines decided per batch (see LineDecider.decide). */
const DECIDE_BATCH = 256;
/** What #decideOther returns for an event sent to a spill file. */
const SPILLED = -2;

/**
 * Decides, in raw order, which lines of the scanned raw files are kept: the
 * first event of each key wins. Keys go into the index; dropped events are
 * counted in the tally and, once deferred, marked in the bitmap.
 */
export class LineDecider {
  readonly #index: KeyIndex;
  readonly #numbering: SourceNumbering;
  readonly #tally: DedupeTally;
  readonly #drops: DeferredDrops;
  /** Keeps the touching reads of decide from being left out. */
  #touched = 0;
  /** uuidSlotHash of the lines of a batch of decide (as int32). */
  readonly #batchHashes = new Int32Array(DECIDE_BATCH);

  constructor(options: {
    index: KeyIndex;
    numbering: SourceNumbering;
    tally: DedupeTally;
    drops: DeferredDrops;
  }) {
    this.#index = options.index;
    this.#numbering = options.numbering;
    this.#tally = options.tally;
    this.#drops = options.drops;
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
  decide(
    scanned: ScannedFile,
    deferred: boolean,
  ): { drops: Int32Array; dropCount: number; dropped: number } {
    const { lines, lineCount, worker } = scanned;
    const numbering = this.#numbering;
    const tally = this.#tally;
    const sourceMap = numbering.maps[worker];
    const buckets = this.#index.buckets;
    let touched = 0;
    let drops = new Int32Array(deferred ? 0 : 2 * 256);
    let dropCount = 0;
    let dropped = 0;
    const hashes = this.#batchHashes;
    let seq = tally.seq;
    let received = tally.received;
    for (let batch = 0; batch < lineCount; batch += DECIDE_BATCH) {
      const batchEnd = Math.min(lineCount, batch + DECIDE_BATCH);
      for (let k = batch; k < batchEnd; k++) {
        const at = k * LINE_FIELDS;
        const local = lines[at + LINE_SOURCE];
        if (!(lines[at + LINE_FLAGS] & ID_IS_UUID) || local < 0) continue;
        let source = sourceMap[local];
        if (source === NOT_NUMBERED) source = numbering.number(worker, local);
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
            tally.noteMalformed(
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
            source = numbering.number(worker, local);
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
                tally.duplicates += 1;
              } else {
                tally.conflicts += 1;
              }
            }
          } else {
            existing = this.#decideOther(scanned, k, source, eventSeq);
            if (existing === SPILLED) continue;
          }
          if (existing < 0) {
            if (flags & HAS_DELAY) tally.delays.add(lines[at + LINE_DELAY]);
          } else if (deferred) {
            this.#drops.mark(eventSeq);
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
    tally.seq = seq;
    tally.received = received;
    this.#touched ^= touched;
    return { drops, dropCount, dropped };
  }

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
    const encoder = this.#index.encoder;
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
    const tables = this.#index.buckets[bucket];
    if (tables === undefined) {
      this.#index.spillWriters[bucket]!.append(
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
    if (existing >= 0)
      this.#tally.countDrop(tables.sameContent(existing, c1, c2));
    return existing;
  }
}
