/*
 * yarn bench:dedupe [--events 10000000] [--files 500] [--memory 512]
 *                   [--spill-memory 64] [--level 1] [--stored-too]
 *                   [--lookback-events <as --events>] [--no-lookback]
 *                   [--no-reference] [--regenerate]
 *
 * Deduplication throughput of the deduper's engine (src/dedupe,
 * dedupePartition) on one hour of one event type, called as production's
 * Deduper calls it, with the lookback against the previous hour's delivered
 * partition, beside two references in the same run, on the same data.
 *
 * Data: two hours of CloudEvents of type com.example.playback.started
 * (~265 bytes of JSON each, ~305 with receivedAt: uuid id, a pod as source,
 * time, nested data with members called id and source), with `receivedAt`
 * appended as ingest does, in raw files of equal size (20,000 events each by
 * default), gzip level 1, as the consumer writes them:
 * raw/<type>/2026-11-23/<hh>/part-<n>.ndjson.gz. The measured hour (10:00)
 * has `--events` events in `--files` files; the hour before (09:00) has
 * `--lookback-events` (as many by default) and is delivered once, when the
 * data is generated, by dedupePartition itself (delivered files, key files,
 * manifest: what the lookback reads). 5% of events repeat an earlier event:
 * 90% of those are resends (same content, later receivedAt), 10% conflicts
 * (same source and id, other data). In the measured hour 10% of the repeats
 * are of a random event of the previous hour (late resends), the others of
 * an event among the last 200,000 (which near 10:00 can be in the previous
 * hour too); so the lookback finds real duplicates, and the data knows how
 * many. Events come in batches of 100 sharing a receive time, and `time` is
 * 0-10 s before it (1% of clients 0-500 ms ahead). The generator is seeded,
 * so every run sees the same data. It is kept in bench-results/dedupe-data/
 * (git-ignored) for later runs, with the counts and digests of the lines
 * that should be delivered, with the lookback and without.
 *
 * Ours: dedupePartition in a child process of its own (TypeScript through
 * @backstage/cli's node transform, also in its worker threads), as Deduper
 * calls it for a partition: LocalPartitionStorage (temp folder; raw/ and
 * the previous hour's delivered folder are symlinks to the data), the
 * lookback folders as Deduper computes them (deduper.lookback's default, 1
 * hour, gives the 09:00 partition), the default worker threads, a logger,
 * maxMemoryBytes = `--memory` MiB and gzip level `--level` (Deduper uses
 * the default, 1). Timed from the call to its return. Then checked: the
 * counts are those the generator knows (delivered, resends, conflicts, and
 * the events dropped only because the previous hour delivered their key),
 * and the delivered files, read back, hold exactly the lines that should be
 * delivered (count and an order-independent digest). With `--spill-memory`
 * (MiB, 0 to skip; 64 by default) it runs a second time with that bound,
 * which forces keys to disk, and the delivered files must have the same
 * checksum. `--stored-too` adds a run with gzip level 0. `--no-lookback`
 * passes no lookback folders (then the previous hour's keys are delivered
 * again, and the expected counts are those without the lookback).
 *
 * CPU time per event (all threads of the process) is printed beside
 * events/s for ours and the hash-set reference: on a machine shared with
 * other work it varies less than events/s.
 *
 * Memory: the peak RSS of ours' whole process (process.resourceUsage()
 * .maxRSS, all its threads) against the bound plus a fixed overhead of 256
 * MiB (issue 21): `withinBound` for each run. It is reported, not enforced:
 * a run over it does not fail the benchmark. Beside it, the process's RSS
 * just before the call (`rssBeforeMb`: Node, the modules, here the
 * TypeScript transform, ~140 MB), which the fixed overhead must also hold;
 * the deduper's worker threads start in the call (~25 MB each with the
 * transform). glibc's malloc settings change the peak a lot (see
 * maxMemoryBytes in dedupePartition.ts): e.g. `MALLOC_MMAP_THRESHOLD_=131072
 * yarn bench:dedupe`; those in the environment are printed and kept in the
 * JSON (machine.mallocEnvironment).
 *
 * Reference "hash set": what a hand-written deduper in the same language
 * does with the same files, in a child process of its own (peak RSS as
 * ours): it loads the previous hour's delivered keys (a text file of
 * `source<TAB>id` lines the generator wrote, standing for its own key
 * store; loading is timed), then as many worker threads as ours uses
 * gunzip each raw file, JSON.parse every line (exact for any valid JSON,
 * whatever the order or nesting of members; a scan for the first "id" and
 * "source" would be wrong on these events' nested members, or need a
 * JSON tokenizer, which is what ours has) and send the keys to the main
 * thread, which looks them up in raw order in hash sets (JavaScript Sets of
 * strings, sharded: a Set holds at most 2^24) and sends back which lines to
 * keep; the worker gzips the kept lines with ours' settings (level, memLevel
 * 9, windowBits 14) and the main thread appends the members, in raw order,
 * to delivered files of 64 MiB of lines, fsynced. It tells no resend from a
 * conflict and writes no key files or manifest. Its output is checked as
 * ours (count and digest). `ratio` is ours / this reference.
 *
 * Reference "sort -u": `LC_ALL=C sort -u --parallel=2 -S <memory>M
 * keys.txt | wc -l` on the measured hour's keys already extracted, one
 * `source<TAB>id` line per event, in raw order (written by the generator:
 * extraction is NOT timed). It only finds the distinct keys: no gzip, no
 * JSON, no lookback, no output. Peak RSS from /usr/bin/time when present.
 *
 * Zlib floor: as many worker threads as ours uses only inflate every raw
 * file and deflate it again with ours' settings, no scanning, no keys, no
 * writing: what gzip alone costs on this machine.
 *
 * Prints the machine (cores, CPU model, Node, load average at start), a
 * table, the target of issue 21 (>= 1M events/s with the lookback and >=
 * 1.0 of the hash-set reference) with `meetsTarget`, writes
 * bench-results/dedupe.json and ends with one line of JSON. Any failed
 * correctness check (counts, digests, checksum of the spilling run, the
 * lookback's duplicates, the references' counts) is listed in that line and
 * makes the process exit with 1. A benchmark, not a test: figures vary with
 * the machine and its load; compare within a run.
 *
 * BENCH_CPU_PROF=<folder> runs ours with --cpu-prof into that folder (one
 * profile per thread).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Worker,
  isMainThread,
  parentPort,
  workerData,
} from 'node:worker_threads';
import zlib from 'node:zlib';

const EVENT_TYPE = 'com.example.playback.started';
const HOUR = Date.parse('2026-11-23T10:00:00.000Z');
const HOUR_MS = 3_600_000;
const RAW_FOLDER = `raw/${EVENT_TYPE}/2026-11-23/10`;
const OUTPUT_FOLDER = `delivered/${EVENT_TYPE}/2026-11-23/10`;
const PREVIOUS_RAW_FOLDER = `raw/${EVENT_TYPE}/2026-11-23/09`;
const PREVIOUS_OUTPUT_FOLDER = `delivered/${EVENT_TYPE}/2026-11-23/09`;
/** deduper.lookback's default (config.ts). */
const LOOKBACK_MS = HOUR_MS;
const DUPLICATE_RATE = 0.05;
const CONFLICT_SHARE = 0.1;
/** Share of the measured hour's repeats that repeat any previous-hour event. */
const LATE_RESEND_SHARE = 0.1;
const DUPLICATE_WINDOW = 200_000;
const BATCH = 100;
const SEED = 20261123;
/** Peak RSS may exceed the memory bound by this much (issue 21). */
const RSS_OVERHEAD_MIB = 256;
const TARGET_EVENTS_PER_SECOND = 1_000_000;
const TARGET_RATIO = 1.0;
/** Uncompressed bytes per delivered file, ours' default (and the reference's). */
const FILE_BYTES = 64 * 1024 * 1024;
/** Bump when the data changes, so that cached data is not reused. */
const GENERATOR_VERSION = 2;

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = join(dirname(thisFile), '../../..');
/** As many worker threads as ours uses by default (dedupePartition.ts). */
const WORKERS = Math.max(1, Math.min(4, os.availableParallelism()));

// ---------------------------------------------------------------------------
// Data

/** sfc32: a small, fast, seeded generator of 32-bit values. */
function random32(seed1, seed2 = 0x9e3779b9, seed3 = 0x243f6a88) {
  let a = seed1 | 0;
  let b = seed2 | 0;
  let c = seed3 | 0;
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

const HEX2 = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const REGIONS = ['eu-west-1', 'eu-north-1', 'us-east-1', 'ap-southeast-2'];
const CONTEXTS = ['album', 'playlist', 'radio', 'search'];

function uuidOf(next) {
  const w = [next(), next(), next(), next()];
  const bytes = [];
  for (const x of w)
    bytes.push(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.map(b => HEX2[b]);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h
    .slice(6, 8)
    .join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** `2026-11-23T10:mm:ss.mmmZ` for an offset in ms from HOUR (may be < 0). */
function isoOf(ms) {
  if (ms < 0 || ms >= HOUR_MS) return new Date(HOUR + ms).toISOString();
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `2026-11-23T10:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)}Z`;
}

/**
 * Receive time, ms after HOUR, of event g of the timeline: the previous
 * hour's `previous` events, then the measured hour's `events`. Batches of
 * 100 share it.
 */
function receivedOf(g, { previous, events }) {
  if (g < previous) {
    return (
      Math.floor((Math.floor(g / BATCH) * BATCH * HOUR_MS) / previous) - HOUR_MS
    );
  }
  const i = g - previous;
  return Math.floor((Math.floor(i / BATCH) * BATCH * HOUR_MS) / events);
}

/** The source and id of the event that first had key `origin`. */
function keyOf(origin) {
  const next = random32(SEED ^ 0x5bd1e995, origin, 7);
  const id = uuidOf(next);
  const source = `//playback/${REGIONS[next() % 4]}/pod-${next() % 64}`;
  return { source, id };
}

/** The JSON of event `origin` in content variant `variant` (0: as first sent). */
function eventJson(origin, variant, timeline) {
  const { source, id } = keyOf(origin);
  const next = random32(SEED, origin, variant);
  let track = '';
  for (let k = 0; k < 22; k++) track += BASE62[next() % 62];
  const skew = next() % 100 === 0 ? -(next() % 500) : next() % 10_000;
  const time = isoOf(receivedOf(origin, timeline) - skew);
  const position = next() % 4 === 0 ? 0 : next() % 300_000;
  return (
    `{"specversion":"1.0","id":"${id}","source":"${source}","type":"${EVENT_TYPE}",` +
    `"time":"${time}","data":{"track":{"id":"${track}","source":"${
      CONTEXTS[next() % 4]
    }"},"position_ms":${position}}}`
  );
}

/** Kept with the lookback (the first event of its key in both hours). */
const KEPT = 1;
/** Kept without the lookback (the first of its key in its own hour). */
const KEPT_ALONE = 2;

/**
 * What each event of the timeline is: the key it repeats (origin), its
 * content variant, whether it is delivered (`kept` bits), and the counts
 * each hour should give.
 */
function planEvents(timeline) {
  const { previous, events } = timeline;
  const total = previous + events;
  const origin = new Int32Array(total);
  const variant = new Int32Array(total);
  const kept = new Uint8Array(total);
  const next = random32(SEED, 1, 2);
  let nextVariant = 1;
  for (let g = 0; g < total; g++) {
    if (g > 0 && next() / 2 ** 32 < DUPLICATE_RATE) {
      const late =
        g >= previous && previous > 0 && next() / 2 ** 32 < LATE_RESEND_SHARE;
      const j = late
        ? next() % previous
        : g - 1 - (next() % Math.min(g, DUPLICATE_WINDOW));
      origin[g] = origin[j];
      variant[g] =
        next() / 2 ** 32 < CONFLICT_SHARE ? nextVariant++ : variant[j];
    } else {
      origin[g] = g;
      variant[g] = 0;
    }
  }
  const count = (first, last, withLookback) => {
    // The variant of the first event of each key that this hour delivers,
    // when it is not the key's origin (a previous-hour key, no lookback).
    const firstVariant = new Map();
    const counts = { delivered: 0, duplicates: 0, conflicts: 0 };
    for (let g = first; g < last; g++) {
      const o = origin[g];
      let against;
      if (o === g) {
        kept[g] |= withLookback ? KEPT : KEPT_ALONE;
        counts.delivered += 1;
        continue;
      } else if (o >= first || withLookback) {
        against = variant[o];
      } else if (firstVariant.has(o)) {
        against = firstVariant.get(o);
      } else {
        firstVariant.set(o, variant[g]);
        kept[g] |= KEPT_ALONE;
        counts.delivered += 1;
        continue;
      }
      if (variant[g] === against) counts.duplicates += 1;
      else counts.conflicts += 1;
    }
    return counts;
  };
  const previousHour = count(0, previous, true);
  const withLookback = count(previous, total, true);
  const withoutLookback = count(previous, total, false);
  let lookbackEvents = 0;
  for (let g = previous; g < total; g++) {
    if (origin[g] < previous) lookbackEvents += 1;
  }
  return {
    origin,
    variant,
    kept,
    previousHour,
    withLookback,
    withoutLookback,
    // Events of the measured hour that repeat a previous-hour key, and the
    // events the lookback alone drops (the first of each such key).
    lookbackEvents,
    lookbackDrops: withoutLookback.delivered - withLookback.delivered,
  };
}

/** Two 32-bit FNV-style lanes over a line, for order-independent digests. */
function lineHash(b, start, end) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = start; i < end; i++) {
    h1 = Math.imul(h1 ^ b[i], 0x01000193);
    h2 = Math.imul(h2 + b[i], 0x5bd1e995) ^ (h2 >>> 15);
  }
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * Worker: writes raw files [first, last) of the hour whose events are
 * [begin, end) of the timeline into `folder`, and digests the lines each
 * kept bit marks.
 */
function generateFiles({
  directory,
  folder,
  timeline,
  begin,
  end,
  files,
  first,
  last,
  origin,
  variant,
  kept,
}) {
  const originOf = new Int32Array(origin);
  const variantOf = new Int32Array(variant);
  const keptOf = new Uint8Array(kept);
  const perFile = Math.ceil((end - begin) / files);
  const sums = { [KEPT]: [0, 0], [KEPT_ALONE]: [0, 0] };
  let bytes = 0;
  for (let f = first; f < last; f++) {
    const from = begin + f * perFile;
    const to = Math.min(end, begin + (f + 1) * perFile);
    const lines = [];
    for (let g = from; g < to; g++) {
      const json = eventJson(originOf[g], variantOf[g], timeline);
      lines.push(
        `${json.slice(0, -1)},"receivedAt":"${isoOf(
          receivedOf(g, timeline),
        )}"}`,
      );
    }
    const text = Buffer.from(`${lines.join('\n')}\n`);
    bytes += text.length;
    let p = 0;
    for (let g = from; g < to; g++) {
      const e = text.indexOf(10, p);
      if (keptOf[g]) {
        const [h1, h2] = lineHash(text, p, e);
        for (const bit of [KEPT, KEPT_ALONE]) {
          if (keptOf[g] & bit) {
            sums[bit][0] = (sums[bit][0] + h1) >>> 0;
            sums[bit][1] = (sums[bit][1] + h2) >>> 0;
          }
        }
      }
      p = e + 1;
    }
    fs.writeFileSync(
      join(directory, folder, `part-${pad(f, 6)}.ndjson.gz`),
      zlib.gzipSync(text, { level: 1, chunkSize: text.length + 64 }),
    );
  }
  parentPort.postMessage({ sums, bytes });
}

const addDigests = (a, b) => [(a[0] + b[0]) >>> 0, (a[1] + b[1]) >>> 0];

/** Writes one hour's raw files on two threads; returns their digests. */
async function generateHour({
  directory,
  folder,
  plan,
  timeline,
  begin,
  end,
  files,
}) {
  fs.mkdirSync(join(directory, folder), { recursive: true });
  const threads = Math.max(1, Math.min(2, os.cpus().length));
  const results = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const first = Math.floor((t * files) / threads);
      const last = Math.floor(((t + 1) * files) / threads);
      return new Promise((resolve, reject) => {
        const worker = new Worker(thisFile, {
          workerData: {
            generate: true,
            directory,
            folder,
            timeline,
            begin,
            end,
            files,
            first,
            last,
            ...plan.shared,
          },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  return {
    rawFiles: Array.from(
      { length: files },
      (_, f) => `${folder}/part-${pad(f, 6)}.ndjson.gz`,
    ),
    lineBytes: results.reduce((sum, r) => sum + r.bytes, 0),
    rawGzipBytes: fs
      .readdirSync(join(directory, folder))
      .reduce(
        (sum, f) => sum + fs.statSync(join(directory, folder, f)).size,
        0,
      ),
    digest: results.reduce((d, r) => addDigests(d, r.sums[KEPT]), [0, 0]),
    digestAlone: results.reduce(
      (d, r) => addDigests(d, r.sums[KEPT_ALONE]),
      [0, 0],
    ),
  };
}

/** Writes `source<TAB>id` lines of the events [begin, end) that `pick` takes. */
function writeKeys(path, plan, begin, end, pick) {
  const fd = fs.openSync(path, 'w');
  let pending = [];
  for (let g = begin; g < end; g++) {
    if (!pick(g)) continue;
    const { source, id } = keyOf(plan.origin[g]);
    pending.push(`${source}\t${id}\n`);
    if (pending.length === 100_000) {
      fs.writeSync(fd, pending.join(''));
      pending = [];
    }
  }
  fs.writeSync(fd, pending.join(''));
  fs.closeSync(fd);
}

/** Generates the data set, or finds it generated; returns what it knows. */
async function dataSet({ events, files, previous, regenerate, memoryMiB }) {
  const name = `v${GENERATOR_VERSION}-${events}-events-${files}-files-${previous}-before`;
  const directory = join(repoRoot, 'bench-results', 'dedupe-data', name);
  const infoPath = join(directory, 'data.json');
  if (!regenerate && fs.existsSync(infoPath)) {
    console.log(`Using the data in ${directory}`);
    return { directory, ...JSON.parse(fs.readFileSync(infoPath, 'utf8')) };
  }
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });
  const fmt = n => n.toLocaleString('en-US');
  console.log(
    `Generating ${fmt(events)} events in ${files} raw files, and ${fmt(
      previous,
    )} of the previous hour...`,
  );
  const started = performance.now();
  const timeline = { previous, events };
  const plan = planEvents(timeline);
  const share = array => {
    const shared = new SharedArrayBuffer(array.byteLength);
    new array.constructor(shared).set(array);
    return shared;
  };
  plan.shared = {
    origin: share(plan.origin),
    variant: share(plan.variant),
    kept: share(plan.kept),
  };
  const previousFiles = Math.max(1, Math.round((files * previous) / events));
  const before =
    previous > 0
      ? await generateHour({
          directory,
          folder: PREVIOUS_RAW_FOLDER,
          plan,
          timeline,
          begin: 0,
          end: previous,
          files: previousFiles,
        })
      : undefined;
  const hour = await generateHour({
    directory,
    folder: RAW_FOLDER,
    plan,
    timeline,
    begin: previous,
    end: previous + events,
    files,
  });
  // For sort -u: every key of the measured hour, in raw order.
  writeKeys(
    join(directory, 'keys.txt'),
    plan,
    previous,
    previous + events,
    () => true,
  );
  // For the hash-set reference: the keys the previous hour delivered.
  writeKeys(
    join(directory, 'previous-keys.txt'),
    plan,
    0,
    previous,
    g => plan.origin[g] === g,
  );
  const info = {
    events,
    files,
    rawFiles: hour.rawFiles,
    lineBytes: hour.lineBytes,
    rawGzipBytes: hour.rawGzipBytes,
    withLookback: { ...plan.withLookback, digest: hour.digest },
    withoutLookback: { ...plan.withoutLookback, digest: hour.digestAlone },
    lookbackEvents: plan.lookbackEvents,
    lookbackDrops: plan.lookbackDrops,
    previous: {
      events: previous,
      files: previousFiles,
      ...plan.previousHour,
    },
  };
  if (before) {
    // The previous hour, delivered as production would have: by the engine.
    console.log('Delivering the previous hour with dedupePartition...');
    const run = await runOurs({
      storageRoot: directory,
      rawFiles: before.rawFiles,
      outputFolder: PREVIOUS_OUTPUT_FOLDER,
      start: HOUR - HOUR_MS,
      lookback: false,
      memoryMiB,
      level: 1,
    });
    const problems = check(
      { received: previous, ...plan.previousHour, digest: before.digest },
      run,
    );
    if (problems.length > 0) {
      throw new Error(
        `The previous hour was not delivered as expected (data not kept): ${problems.join(
          '; ',
        )}`,
      );
    }
  }
  fs.writeFileSync(infoPath, `${JSON.stringify(info)}\n`);
  console.log(
    `Generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { directory, ...info };
}

// ---------------------------------------------------------------------------
// Ours (child process)

/** Warnings from the engine (a skipped lookback folder) go to stderr. */
const stderrLogger = {
  error: (message, error) => console.error(message, error ?? ''),
  warn: (message, error) => console.error(message, error ?? ''),
  info: () => {},
  debug: () => {},
  child: () => stderrLogger,
};

async function runChild({
  dataDirectory,
  workDirectory,
  rawFiles,
  outputFolder,
  start,
  earlier,
  memoryMiB,
  level,
}) {
  const require = createRequire(import.meta.url);
  const { dedupePartition } = require('../src/dedupe/index.ts');
  const {
    LocalPartitionStorage,
  } = require('../src/storage/LocalPartitionStorage.ts');
  const {
    partitionFolder,
  } = require('@data-collection/plugin-delivery-pipeline-node');
  let root = dataDirectory;
  if (workDirectory) {
    // The data stays read-only: the raw files and the delivered previous
    // hour are linked into a storage of this run's own.
    root = join(workDirectory, 'storage');
    fs.mkdirSync(join(root, dirname(OUTPUT_FOLDER)), { recursive: true });
    fs.symlinkSync(join(dataDirectory, 'raw'), join(root, 'raw'));
    if (fs.existsSync(join(dataDirectory, PREVIOUS_OUTPUT_FOLDER))) {
      fs.symlinkSync(
        join(dataDirectory, PREVIOUS_OUTPUT_FOLDER),
        join(root, PREVIOUS_OUTPUT_FOLDER),
      );
    }
  }
  const storage = new LocalPartitionStorage({ directory: root });
  const partition = { eventType: EVENT_TYPE, start, end: start + HOUR_MS };
  // As Deduper.#deliver: the delivered partitions of the type that start
  // within the lookback, their folders from their own width.
  const folderOf = p =>
    partitionFolder({
      kind: 'delivered',
      eventType: EVENT_TYPE,
      start: p.start,
      widthMs: p.end - p.start,
    });
  // The process before the call: code, modules (and here the TypeScript
  // transform), no deduper yet; its worker threads start in the call.
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await dedupePartition({
    storage,
    partition,
    rawFiles,
    lookbackFolders: earlier
      .filter(p => p.start >= start - LOOKBACK_MS && p.start < start)
      .map(folderOf),
    outputFolder,
    maxMemoryBytes: memoryMiB * 1024 * 1024,
    spillDirectory: workDirectory
      ? join(workDirectory, 'spill')
      : fs.mkdtempSync(join(os.tmpdir(), 'bench-dedupe-spill-')),
    workerThreads: undefined,
    logger: stderrLogger,
    compressionLevel: level,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeMb: Math.round(rssBefore / 1024 / 1024),
      result,
      storageRoot: root,
    })}\n`,
  );
}

/**
 * Runs a node child process with `args`; returns the JSON of its last line
 * of output.
 */
async function runNodeChild(args) {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', chunk => {
    output += chunk;
  });
  const code = await new Promise(resolve => child.once('exit', resolve));
  const last = output.trim().split('\n').pop();
  if (code !== 0 || !last)
    throw new Error(`A child process exited with ${code}`);
  return JSON.parse(last);
}

/**
 * Ours in a child process. With `storageRoot` it works there (the data
 * directory, to deliver the previous hour), else in a temporary folder of
 * its own (returned as workDirectory, for the caller to remove).
 */
async function runOurs({
  storageRoot,
  dataDirectory,
  rawFiles,
  outputFolder = OUTPUT_FOLDER,
  start = HOUR,
  lookback,
  memoryMiB,
  level,
}) {
  const workDirectory = storageRoot
    ? undefined
    : fs.mkdtempSync(join(os.tmpdir(), 'bench-dedupe-'));
  const cpuProf = process.env.BENCH_CPU_PROF;
  const args = [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    ...(cpuProf && !storageRoot
      ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`]
      : []),
    thisFile,
    '--child',
    JSON.stringify({
      dataDirectory: storageRoot ?? dataDirectory,
      workDirectory,
      rawFiles,
      outputFolder,
      start,
      earlier: lookback ? [{ start: HOUR - HOUR_MS, end: HOUR }] : [],
      memoryMiB,
      level,
    }),
  ];
  try {
    return { ...(await runNodeChild(args)), workDirectory };
  } catch (error) {
    if (workDirectory)
      fs.rmSync(workDirectory, { recursive: true, force: true });
    throw error;
  }
}

/** Reads delivered gzip files back: lines, and the digest of the lines. */
function readDelivered(paths) {
  let lines = 0;
  let digest = [0, 0];
  for (const path of paths) {
    const text = zlib.gunzipSync(fs.readFileSync(path));
    let p = 0;
    while (p < text.length) {
      const e = text.indexOf(10, p);
      digest = addDigests(digest, lineHash(text, p, e));
      lines += 1;
      p = e + 1;
    }
  }
  return { lines, digest };
}

/** What differs between ours' run and the `expected` counts; [] if none. */
function check(expected, run) {
  const { result } = run;
  const problems = [];
  const expect = (what, got, want) => {
    if (got !== want) problems.push(`${what}: ${got}, expected ${want}`);
  };
  let eventsInFiles = 0;
  for (const file of result.partition.files) {
    const stored = fs.readFileSync(join(run.storageRoot, file.path));
    const sha256 = `sha256:${createHash('sha256')
      .update(stored)
      .digest('hex')}`;
    if (sha256 !== file.sha256) problems.push(`${file.path}: sha256 differs`);
    eventsInFiles += file.events;
  }
  const delivered = readDelivered(
    result.partition.files.map(file => join(run.storageRoot, file.path)),
  );
  expect('received', result.received, expected.received);
  expect('delivered', result.delivered, expected.delivered);
  expect('resends', result.duplicates, expected.duplicates);
  expect('conflicts', result.conflicts, expected.conflicts);
  expect('malformed', result.malformed, 0);
  expect('lines in delivered files', delivered.lines, expected.delivered);
  expect('events listed for the files', eventsInFiles, expected.delivered);
  expect(
    'digest of delivered lines',
    delivered.digest.join(','),
    expected.digest.join(','),
  );
  return problems;
}

// ---------------------------------------------------------------------------
// Reference: a hash-set dedupe in the same language (child process)

/**
 * Worker of the hash-set reference. `scan`: gunzip a raw file, JSON.parse
 * each line, send its keys (null for a line without string source and id:
 * kept, as ours keeps it); `write`: gzip the lines the main thread kept.
 */
function hashSetWorker({ level }) {
  const linesOf = new Map();
  parentPort.on('message', message => {
    if (message.kind === 'scan') {
      const text = zlib.gunzipSync(fs.readFileSync(message.path)).toString();
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const keys = new Array(lines.length);
      for (let i = 0; i < lines.length; i++) {
        const event = JSON.parse(lines[i]);
        keys[i] =
          typeof event?.source === 'string' && typeof event.id === 'string'
            ? // Length-prefixed: exact whatever characters they hold.
              `${event.source.length}:${event.source}${event.id}`
            : null;
      }
      linesOf.set(message.index, lines);
      parentPort.postMessage({ kind: 'scanned', index: message.index, keys });
    } else {
      const lines = linesOf.get(message.index);
      linesOf.delete(message.index);
      const keep = message.keep;
      const out = [];
      for (let i = 0; i < lines.length; i++) if (keep[i]) out.push(lines[i]);
      const text = Buffer.from(out.length ? `${out.join('\n')}\n` : '');
      const gz = zlib.gzipSync(text, { level, memLevel: 9, windowBits: 14 });
      parentPort.postMessage(
        { kind: 'written', index: message.index, gz, bytes: text.length },
        [gz.buffer],
      );
    }
  });
}

/** Key sets: a JavaScript Set holds at most 2^24 entries. */
const SHARDS = 64;
const shardOf = key =>
  (key.charCodeAt(key.length - 1) * 31 + key.charCodeAt(key.length - 2)) &
  (SHARDS - 1);

async function runHashSetChild({
  dataDirectory,
  rawFiles,
  previousKeys,
  outDirectory,
  level,
}) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const sets = Array.from({ length: SHARDS }, () => new Set());
  if (previousKeys) {
    // In pieces of whole lines: at 10 million keys the file is longer than
    // the longest string V8 makes (512 MiB).
    const fd = fs.openSync(join(dataDirectory, 'previous-keys.txt'), 'r');
    const piece = Buffer.allocUnsafe(64 * 1024 * 1024);
    let carried = 0;
    for (;;) {
      const read = fs.readSync(fd, piece, carried, piece.length - carried);
      if (read === 0) {
        if (carried > 0) throw new Error('previous-keys.txt: no last newline');
        break;
      }
      const length = carried + read;
      const last = piece.lastIndexOf(10, length - 1);
      const text = piece.toString('utf8', 0, last + 1);
      let p = 0;
      while (p < text.length) {
        const tab = text.indexOf('\t', p);
        const end = text.indexOf('\n', tab);
        const source = text.slice(p, tab);
        const key = `${source.length}:${source}${text.slice(tab + 1, end)}`;
        sets[shardOf(key)].add(key);
        p = end + 1;
      }
      carried = length - (last + 1);
      piece.copy(piece, 0, last + 1, length);
    }
    fs.closeSync(fd);
  }
  const workers = Array.from(
    { length: WORKERS },
    () => new Worker(thisFile, { workerData: { hashSet: true, level } }),
  );
  const keysOf = new Map();
  const written = new Map();
  const outputs = [];
  let fd = -1;
  let fileBytes = 0;
  let delivered = 0;
  let dropped = 0;
  let dispatched = 0;
  let decided = 0;
  let appended = 0;
  await new Promise((resolve, reject) => {
    const dispatch = () => {
      while (
        dispatched < rawFiles.length &&
        dispatched - appended < 3 * WORKERS
      ) {
        const index = dispatched++;
        workers[index % WORKERS].postMessage({
          kind: 'scan',
          index,
          path: join(dataDirectory, rawFiles[index]),
        });
      }
    };
    const decide = () => {
      // First wins in raw order: files are decided in order.
      while (keysOf.has(decided)) {
        const keys = keysOf.get(decided);
        keysOf.delete(decided);
        const keep = new Uint8Array(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i];
          if (key === null) {
            keep[i] = 1;
            continue;
          }
          const set = sets[shardOf(key)];
          if (set.has(key)) {
            dropped += 1;
          } else {
            set.add(key);
            keep[i] = 1;
            delivered += 1;
          }
        }
        workers[decided % WORKERS].postMessage(
          { kind: 'write', index: decided, keep },
          [keep.buffer],
        );
        decided += 1;
      }
    };
    const append = () => {
      while (written.has(appended)) {
        const { gz, bytes } = written.get(appended);
        written.delete(appended);
        if (fd >= 0 && fileBytes + bytes > FILE_BYTES) {
          fs.fsyncSync(fd);
          fs.closeSync(fd);
          fd = -1;
        }
        if (fd < 0) {
          const path = join(
            outDirectory,
            `part-${pad(outputs.length, 5)}.ndjson.gz`,
          );
          outputs.push(path);
          fd = fs.openSync(path, 'w');
          fileBytes = 0;
        }
        // Each file's gzip member is appended: a multi-member gzip file.
        fs.writeSync(fd, gz);
        fileBytes += bytes;
        appended += 1;
      }
      if (appended === rawFiles.length) resolve();
      else dispatch();
    };
    for (const worker of workers) {
      worker.on('error', reject);
      worker.on('message', message => {
        if (message.kind === 'scanned') {
          keysOf.set(message.index, message.keys);
          decide();
        } else {
          written.set(message.index, message);
          append();
        }
      });
    }
    dispatch();
  });
  if (fd >= 0) {
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all(workers.map(worker => worker.terminate()));
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      delivered,
      dropped,
      outputs,
    })}\n`,
  );
}

async function runHashSet({ data, lookback, level }) {
  const outDirectory = fs.mkdtempSync(
    join(os.tmpdir(), 'bench-dedupe-hashset-'),
  );
  try {
    const run = await runNodeChild([
      '--max-old-space-size=16384',
      thisFile,
      '--hash-set',
      JSON.stringify({
        dataDirectory: data.directory,
        rawFiles: data.rawFiles,
        previousKeys: lookback && data.previous.events > 0,
        outDirectory,
        level,
      }),
    ]);
    const expected = lookback ? data.withLookback : data.withoutLookback;
    const read = readDelivered(run.outputs);
    const problems = [];
    const expect = (what, got, want) => {
      if (got !== want)
        problems.push(`hash-set reference: ${what}: ${got}, expected ${want}`);
    };
    expect('delivered', run.delivered, expected.delivered);
    expect('dropped', run.dropped, expected.duplicates + expected.conflicts);
    expect('lines in delivered files', read.lines, expected.delivered);
    expect(
      'digest of delivered lines',
      read.digest.join(','),
      expected.digest.join(','),
    );
    return {
      seconds: Math.round(run.seconds * 100) / 100,
      eventsPerSecond: Math.round(data.events / run.seconds),
      peakRssMb: run.maxRssMb,
      cpuCores: Math.round((run.cpuSeconds / run.seconds) * 100) / 100,
      cpuMicrosPerEvent: Math.round((run.cpuSeconds / data.events) * 1e7) / 10,
      delivered: run.delivered,
      dropped: run.dropped,
      deliveredGzipBytes: run.outputs.reduce(
        (sum, p) => sum + fs.statSync(p).size,
        0,
      ),
      problems,
    };
  } finally {
    fs.rmSync(outDirectory, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// The zlib floor

/** Worker: inflates its raw files, deflates them as ours does, CRC-32s. */
function zlibFloorWorker({ files, level }) {
  for (const file of files) {
    const compressed = fs.readFileSync(file);
    const text = zlib.gunzipSync(compressed, {
      chunkSize: compressed.readUInt32LE(compressed.length - 4) + 64,
    });
    zlib.deflateRawSync(text, {
      level,
      memLevel: 9,
      windowBits: 14,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      chunkSize: Math.max(65536, text.length >>> 1),
    });
    zlib.crc32(text);
  }
  parentPort.postMessage('done');
}

/**
 * Only the gzip work ours cannot avoid, on as many threads as ours has
 * workers: inflate every raw file and deflate all of it again (level,
 * settings and chunks as ours), no scanning, no keys, nothing written.
 * No deduper can beat it on this machine with this output.
 */
async function runZlibFloor({ data, level }) {
  const threads = WORKERS;
  const paths = data.rawFiles.map(file => join(data.directory, file));
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      (_, t) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(thisFile, {
            workerData: {
              floor: true,
              level,
              files: paths.filter((path, i) => i % threads === t),
            },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, eventsPerSecond: Math.round(data.events / seconds) };
}

// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------
// Reference: sort -u on pre-extracted keys

async function runReference({ data, memoryMiB }) {
  const tmp = fs.mkdtempSync(join(os.tmpdir(), 'bench-dedupe-sort-'));
  const sortArgs = [
    '-u',
    '--parallel=2',
    `-S`,
    `${memoryMiB}M`,
    '-T',
    tmp,
    join(data.directory, 'keys.txt'),
  ];
  const useTime = fs.existsSync('/usr/bin/time');
  const command = useTime ? '/usr/bin/time' : 'sort';
  const args = useTime ? ['-f', '%M', 'sort', ...sortArgs] : sortArgs;
  const started = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let distinct = 0;
  child.stdout.on('data', chunk => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
      distinct += 1;
    }
  });
  let stderr = '';
  child.stderr.on('data', chunk => {
    stderr += chunk;
  });
  const code = await new Promise(resolve => child.once('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(tmp, { recursive: true, force: true });
  if (code !== 0) throw new Error(`sort exited with ${code}: ${stderr}`);
  const maxRssKb = useTime ? Number(stderr.trim().split('\n').pop()) : NaN;
  return {
    seconds,
    distinct,
    maxRssMb: Number.isFinite(maxRssKb) ? Math.round(maxRssKb / 1024) : null,
    eventsPerSecond: Math.round(data.events / seconds),
  };
}

// ---------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '10000000' },
      files: { type: 'string' },
      'lookback-events': { type: 'string' },
      memory: { type: 'string', default: '512' },
      'spill-memory': { type: 'string', default: '64' },
      level: { type: 'string', default: '1' },
      'stored-too': { type: 'boolean', default: false },
      'no-lookback': { type: 'boolean', default: false },
      'no-reference': { type: 'boolean', default: false },
      regenerate: { type: 'boolean', default: false },
    },
  });
  const events = Number(values.events);
  const files = Number(
    values.files ?? Math.max(1, Math.round(events / 20_000)),
  );
  const previous = Number(values['lookback-events'] ?? events);
  const memoryMiB = Number(values.memory);
  const spillMemoryMiB = Number(values['spill-memory']);
  const level = Number(values.level);
  const lookback = !values['no-lookback'];
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart: os.loadavg().map(n => Math.round(n * 100) / 100),
    // glibc malloc settings, which change peak RSS (see dedupePartition.ts).
    mallocEnvironment: Object.fromEntries(
      Object.entries(process.env).filter(([name]) =>
        /^(MALLOC_|GLIBC_TUNABLES$)/.test(name),
      ),
    ),
  };
  const target = {
    eventsPerSecond: TARGET_EVENTS_PER_SECOND,
    ratioToHashSetReference: TARGET_RATIO,
    withLookback: true,
    source: 'issue 21',
  };
  const fmt = n =>
    n === null || n === undefined ? '-' : n.toLocaleString('en-US');
  console.log(
    `Machine: ${machine.cpus} cores, ${machine.cpuModel}, Node ${
      machine.node
    }, load average at start ${machine.loadAverageAtStart.join(
      ', ',
    )}, malloc environment ${JSON.stringify(machine.mallocEnvironment)}`,
  );
  console.log(
    `Target (issue 21): >= ${fmt(
      TARGET_EVENTS_PER_SECOND,
    )} events/s with the lookback, >= ${TARGET_RATIO} of the hash-set reference`,
  );

  const data = await dataSet({
    events,
    files,
    previous,
    regenerate: values.regenerate,
    memoryMiB,
  });
  const expected = lookback ? data.withLookback : data.withoutLookback;
  console.log(
    `${fmt(data.events)} events in ${data.files} files (${Math.round(
      data.lineBytes / data.events,
    )} bytes per line, ${(data.rawGzipBytes / 1e6).toFixed(0)} MB of gzip); ` +
      `the previous hour, delivered: ${fmt(data.previous.events)} events, ${fmt(
        data.previous.delivered,
      )} keys. ${fmt(
        data.lookbackEvents,
      )} events repeat a previous-hour key; ` +
      `the lookback alone drops ${fmt(data.lookbackDrops)}. ` +
      `Expected ${lookback ? 'with' : 'WITHOUT'} the lookback: ${fmt(
        expected.delivered,
      )} delivered, ${fmt(expected.duplicates)} resends, ${fmt(
        expected.conflicts,
      )} conflicts`,
  );

  const problems = [];
  if (lookback && data.lookbackDrops === 0) {
    problems.push(
      'the data has no duplicates of the previous hour: the lookback is not measured (more --events or --lookback-events)',
    );
  }
  const runs = [];
  const measure = async (memory, runLevel = level) => {
    console.log(
      `Ours: maxMemoryBytes ${memory} MiB, gzip level ${runLevel}, ${
        lookback ? 'with' : 'without'
      } the lookback...`,
    );
    const run = await runOurs({
      dataDirectory: data.directory,
      rawFiles: data.rawFiles,
      lookback,
      memoryMiB: memory,
      level: runLevel,
    });
    console.log('Ours: checking the delivered files...');
    let runProblems;
    try {
      runProblems = check({ received: data.events, ...expected }, run).map(
        problem => `ours (${memory} MiB, gz ${runLevel}): ${problem}`,
      );
    } finally {
      fs.rmSync(run.workDirectory, { recursive: true, force: true });
    }
    const boundMiB = memory + RSS_OVERHEAD_MIB;
    const summary = {
      memoryMiB: memory,
      level: runLevel,
      lookback,
      seconds: Math.round(run.seconds * 100) / 100,
      eventsPerSecond: Math.round(data.events / run.seconds),
      peakRssMb: run.maxRssMb,
      rssBeforeMb: run.rssBeforeMb,
      rssBoundMb: boundMiB,
      withinBound: run.maxRssMb <= boundMiB,
      cpuCores: Math.round((run.cpuSeconds / run.seconds) * 100) / 100,
      // Less sensitive than events/s to other work on the machine.
      cpuMicrosPerEvent: Math.round((run.cpuSeconds / data.events) * 1e7) / 10,
      spilled: run.result.spilled,
      delivered: run.result.delivered,
      duplicates: run.result.duplicates,
      conflicts: run.result.conflicts,
      droppedByLookback: data.withoutLookback.delivered - run.result.delivered,
      clientDelayMs: run.result.clientDelayMs,
      files: run.result.partition.files.length,
      deliveredGzipBytes: run.result.partition.files.reduce(
        (sum, f) => sum + f.bytes,
        0,
      ),
      checksum: run.result.partition.checksum,
      passed: runProblems.length === 0,
    };
    problems.push(...runProblems);
    runs.push(summary);
    return summary;
  };
  const ours = await measure(memoryMiB);
  if (lookback && ours.droppedByLookback !== data.lookbackDrops) {
    problems.push(
      `ours: the lookback dropped ${ours.droppedByLookback} events, expected ${data.lookbackDrops}`,
    );
  }
  const spilling =
    spillMemoryMiB > 0 ? await measure(spillMemoryMiB) : undefined;
  if (spilling && spilling.checksum !== ours.checksum) {
    spilling.passed = false;
    problems.push(
      `ours (${spillMemoryMiB} MiB): checksum differs from the run at ${memoryMiB} MiB`,
    );
  }
  const stored =
    values['stored-too'] && level !== 0
      ? await measure(memoryMiB, 0)
      : undefined;

  console.log(`Floor: inflate and deflate only, gzip level ${level}...`);
  const floor = await runZlibFloor({ data, level });

  let hashSet;
  let sortU;
  if (!values['no-reference']) {
    console.log(
      `Reference: hash set, ${WORKERS} worker threads, JSON.parse, ${
        lookback ? 'with' : 'without'
      } the lookback...`,
    );
    hashSet = await runHashSet({ data, lookback, level });
    problems.push(...hashSet.problems);
    console.log(
      `Reference: sort -u on the extracted keys, -S ${memoryMiB}M...`,
    );
    sortU = await runReference({ data, memoryMiB });
    if (sortU.distinct !== data.withoutLookback.delivered) {
      problems.push(
        `sort -u reference: ${sortU.distinct} distinct keys, expected ${data.withoutLookback.delivered}`,
      );
    }
  }
  const ratioOf = reference =>
    reference
      ? Math.round((ours.eventsPerSecond / reference.eventsPerSecond) * 1000) /
        1000
      : null;
  const ratio = ratioOf(hashSet);
  const ratioSortU = ratioOf(sortU);
  const ratioFloor = ratioOf(floor);

  let hashSetCheck = '-';
  if (hashSet) hashSetCheck = hashSet.problems.length ? 'FAILED' : 'PASSED';
  const columns = [
    [
      '',
      ...runs.map(r => `ours ${r.memoryMiB} MiB, gz ${r.level}`),
      'ref. hash set',
      'ref. sort -u (keys)',
      `zlib floor, gz ${level}`,
    ],
    [
      'seconds',
      ...runs.map(r => r.seconds),
      hashSet?.seconds,
      sortU?.seconds.toFixed(2),
      floor.seconds.toFixed(2),
    ],
    [
      'events/s',
      ...runs.map(r => fmt(r.eventsPerSecond)),
      fmt(hashSet?.eventsPerSecond),
      fmt(sortU?.eventsPerSecond),
      fmt(floor.eventsPerSecond),
    ],
    [
      'peak RSS MB',
      ...runs.map(r => r.peakRssMb),
      hashSet?.peakRssMb,
      sortU?.maxRssMb,
      '-',
    ],
    ['RSS before call MB', ...runs.map(r => r.rssBeforeMb), '-', '-', '-'],
    [
      'RSS bound (+256)',
      ...runs.map(r => `${r.rssBoundMb} ${r.withinBound ? 'within' : 'OVER'}`),
      '-',
      '-',
      '-',
    ],
    [
      'CPU cores used',
      ...runs.map(r => r.cpuCores),
      hashSet?.cpuCores,
      '-',
      '-',
    ],
    [
      'CPU µs per event',
      ...runs.map(r => r.cpuMicrosPerEvent),
      hashSet?.cpuMicrosPerEvent,
      '-',
      '-',
    ],
    ['spilled', ...runs.map(r => String(r.spilled)), '-', '-', '-'],
    [
      'delivered',
      ...runs.map(r => fmt(r.delivered)),
      fmt(hashSet?.delivered),
      fmt(sortU?.distinct),
      '-',
    ],
    [
      'resends / conflicts',
      ...runs.map(r => `${fmt(r.duplicates)} / ${fmt(r.conflicts)}`),
      hashSet ? `${fmt(hashSet.dropped)} dropped` : '-',
      '-',
      '-',
    ],
    [
      'dropped by lookback',
      ...runs.map(r => fmt(r.droppedByLookback)),
      '-',
      '-',
      '-',
    ],
    [
      'delivered MB (gzip)',
      ...runs.map(
        r => `${r.files} f, ${(r.deliveredGzipBytes / 1e6).toFixed(0)}`,
      ),
      hashSet ? (hashSet.deliveredGzipBytes / 1e6).toFixed(0) : '-',
      '-',
      '-',
    ],
    [
      'check',
      ...runs.map(r => (r.passed ? 'PASSED' : 'FAILED')),
      hashSetCheck,
      '-',
      '-',
    ],
  ];
  console.log('');
  for (const row of columns) {
    console.log(
      `${String(row[0]).padEnd(22)}${row
        .slice(1)
        .map(cell => String(cell ?? '-').padStart(21))
        .join('')}`,
    );
  }
  for (const problem of problems) console.log(`check failed: ${problem}`);
  const meetsTarget =
    lookback &&
    problems.length === 0 &&
    ours.eventsPerSecond >= TARGET_EVENTS_PER_SECOND &&
    ratio !== null &&
    ratio >= TARGET_RATIO;
  console.log(`\nratio ours / hash-set reference: ${ratio}`);
  console.log(`ratio ours / sort -u on extracted keys: ${ratioSortU}`);
  console.log(`ratio ours / zlib floor: ${ratioFloor}`);
  console.log(`client delay (ms): ${JSON.stringify(ours.clientDelayMs)}`);
  console.log(
    `target (issue 21): ${fmt(
      TARGET_EVENTS_PER_SECOND,
    )} events/s with the lookback and >= ${TARGET_RATIO} of the hash-set reference: ${
      meetsTarget ? 'met' : 'NOT met'
    }`,
  );
  console.log(
    `machine: ${machine.cpus} cores, ${machine.cpuModel}, Node ${
      machine.node
    }, load average at start (1, 5, 15 min) ${machine.loadAverageAtStart.join(
      ', ',
    )}`,
  );

  const results = {
    benchmark: 'dedupe',
    date: new Date().toISOString(),
    machine,
    data: {
      events: data.events,
      files: data.files,
      bytesPerLine: Math.round(data.lineBytes / data.events),
      rawGzipBytes: data.rawGzipBytes,
      eventType: EVENT_TYPE,
      previousHour: data.previous,
      withLookback: data.withLookback,
      withoutLookback: data.withoutLookback,
      lookbackEvents: data.lookbackEvents,
      lookbackDrops: data.lookbackDrops,
    },
    settings: {
      ours: `dedupePartition in a child process, called as Deduper does: LocalPartitionStorage, ${
        lookback ? 'lookback on the delivered previous hour' : 'NO lookback'
      }, default worker threads`,
      hashSet: `child process, ${WORKERS} worker threads gunzip and JSON.parse every line, main thread looks keys up in JavaScript Sets in raw order${
        lookback
          ? " (after loading the previous hour's keys from a text file)"
          : ''
      }, workers gzip the kept lines (level ${level}, memLevel 9, windowBits 14), delivered files fsynced`,
      sortU: `LC_ALL=C sort -u --parallel=2 -S ${memoryMiB}M on pre-extracted "source<TAB>id" lines of the hour (extraction not timed, no lookback), output counted through a pipe`,
      floor: `worker threads (${WORKERS}) that only gunzip every raw file and deflate it again at gzip level ${level} as ours does`,
      rssOverheadMb: RSS_OVERHEAD_MIB,
      level,
    },
    ours,
    spilling,
    stored,
    references: { hashSet, sortU, floor },
    ratio,
    ratioSortU,
    ratioFloor,
    target,
    meetsTarget,
    problems,
  };
  const dir = join(repoRoot, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    join(dir, 'dedupe.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log('\nWritten to bench-results/dedupe.json');
  if (problems.length > 0) process.exitCode = 1;
  console.log(
    JSON.stringify({
      eventsPerSecond: ours.eventsPerSecond,
      lookback,
      droppedByLookback: ours.droppedByLookback,
      peakRssMb: ours.peakRssMb,
      rssBeforeMb: ours.rssBeforeMb,
      withinBound: ours.withinBound,
      spilling: spilling && {
        memoryMiB: spilling.memoryMiB,
        eventsPerSecond: spilling.eventsPerSecond,
        peakRssMb: spilling.peakRssMb,
        rssBeforeMb: spilling.rssBeforeMb,
        withinBound: spilling.withinBound,
      },
      cpuMicrosPerEvent: ours.cpuMicrosPerEvent,
      hashSetEventsPerSecond: hashSet?.eventsPerSecond ?? null,
      hashSetCpuMicrosPerEvent: hashSet?.cpuMicrosPerEvent ?? null,
      ratio,
      sortUEventsPerSecond: sortU?.eventsPerSecond ?? null,
      ratioSortU,
      floorEventsPerSecond: floor.eventsPerSecond,
      machine,
      target,
      meetsTarget,
      passed: problems.length === 0,
      problems,
    }),
  );
}

// ---------------------------------------------------------------------------

if (!isMainThread && workerData.floor) {
  zlibFloorWorker(workerData);
} else if (!isMainThread && workerData.hashSet) {
  hashSetWorker(workerData);
} else if (!isMainThread) {
  generateFiles(workerData);
} else if (process.argv[2] === '--child') {
  runChild(JSON.parse(process.argv[3])).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv[2] === '--hash-set') {
  runHashSetChild(JSON.parse(process.argv[3])).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
