import fs from 'node:fs';
import { viewOf } from './bytes';
import { DedupeTally } from './DedupeTally';
import { DeferredDrops } from './DeferredDrops';
import { addOwnKeys, BUCKET_BITS, KeyIndex } from './KeyIndex';
import { BucketTables } from './keys';
import { KeysFilesWriter } from './keysFiles';
import {
  EVENT,
  NO_DELAY,
  PRIOR,
  readSpillFile,
  SpillRecord,
  SpillWriter,
} from './spillFiles';

/** Sub-buckets per split of a spilled bucket, and how often one may split. */
const SPLIT_BITS = 4;
const MAX_SPLIT_DEPTH = 4;
/** Spill file bytes -> memory once loaded, roughly. */
const SPILL_MEMORY_FACTOR = 2;

/**
 * Decides the events of a spilled bucket (or part of one) and adds its keys
 * to the key files. Splits it by further bits of the key hash when it would
 * not fit in the memory left by the buckets still in memory.
 */
export function decideSpilled(
  run: {
    index: KeyIndex;
    tally: DedupeTally;
    drops: DeferredDrops;
    keys: KeysFilesWriter;
    maxMemory: number;
    /** Smallest spilled bucket that is split when it does not fit. */
    minSplitRecords: number;
  },
  file: SpillWriter,
  depth: number,
): void {
  const { index, tally, drops, maxMemory } = run;
  const room = Math.max(maxMemory - index.bytesInMemory(), maxMemory / 4);
  if (
    file.bytes * SPILL_MEMORY_FACTOR > room &&
    file.records >= run.minSplitRecords &&
    depth < MAX_SPLIT_DEPTH
  ) {
    const shift = 32 - BUCKET_BITS - SPLIT_BITS * (depth + 1);
    const parts: SpillWriter[] = [];
    for (let s = 0; s < 1 << SPLIT_BITS; s++) {
      parts.push(index.newSpillWriter());
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
    for (const part of parts) decideSpilled(run, part, depth + 1);
    return;
  }

  // Sized for every record at once (an upper bound on its keys): growing
  // step by step would leave a trail of freed arrays, one set per bucket,
  // which the allocator does not give back (peak RSS).
  const tables = new BucketTables(1024);
  tables.uuid.reserve(file.records);
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
      if (record.delay !== NO_DELAY) tally.delays.add(record.delay);
    } else {
      tally.countDrop(tables.sameContent(existing, record.c1, record.c2));
      drops.mark(record.seq);
    }
  });
  fs.rmSync(file.path, { force: true });
  addOwnKeys(run.keys, tables);
  tables.release();
}
