/*
 * yarn bench:dedupe [--events 10000000] [--files 500] [--memory 512]
 *                   [--spill-memory 64] [--level 1] [--stored-too]
 *                   [--no-reference] [--regenerate]
 *
 * Deduplication throughput of the deduper's engine (src/dedupe,
 * dedupePartition) on one hour of one event type, beside a reference that
 * only finds the distinct keys, in the same run, on the same data.
 *
 * Data: `--events` CloudEvents of type com.example.playback.started (~265
 * bytes of JSON each, ~305 with receivedAt: uuid id, a pod as source, time,
 * nested data with members called id and source), with `receivedAt`
 * appended as ingest does, in `--files` raw files of equal size (20,000
 * events each by default), gzip level 1, as the consumer writes them:
 * raw/<type>/2026-11-23/10/part-<n>.ndjson.gz. 5% of events repeat an
 * earlier event of the last 200,000 (often in another file): 90% of those
 * are resends (same content, later receivedAt), 10% conflicts (same source
 * and id, other data). Events come in batches of 100 sharing a receive
 * time, and `time` is 0-10 s before it (1% of clients 0-500 ms ahead). The
 * generator is seeded, so every run sees the same data. Generating takes
 * about a minute for 10 million events (two worker threads); the data is
 * kept in bench-results/dedupe-data/ (git-ignored) for later runs, with
 * the counts and a digest of the lines that should be delivered.
 *
 * Ours: dedupePartition in a child process of its own (TypeScript through
 * @backstage/cli's node transform, also in its worker threads), so that its
 * peak RSS (process.resourceUsage().maxRSS, all its threads) is its own:
 * from reading the raw files through LocalPartitionStorage (temp folder;
 * raw/ is a symlink to the data) to the manifest, delivered files fsynced,
 * with maxMemoryBytes = `--memory` MiB and gzip level `--level`. Timed from
 * the call to its return. Then checked: the counts are those the generator
 * knows (delivered = distinct keys), and the delivered files, read back,
 * hold exactly the lines that should be delivered (count and an
 * order-independent digest). With `--spill-memory` (MiB, 0 to skip) it runs
 * a second time with that bound, which forces keys to disk, and the
 * delivered files must have the same checksum. `--stored-too` adds a run
 * with gzip level 0 (stored: no compression).
 *
 * Reference: `LC_ALL=C sort -u --parallel=2 -S <memory>M keys.txt | wc -l`
 * on the keys already extracted, one `source<TAB>id` line per event, in raw
 * order (written by the generator: extraction is NOT timed). It only finds
 * the distinct keys: it reads no gzip, parses no JSON, keeps no first
 * event, counts no resends and writes no output. Its peak RSS comes from
 * /usr/bin/time when present.
 *
 * Zlib floor: as many worker threads as ours uses only inflate every raw
 * file and deflate it again with ours' settings, no scanning, no keys, no
 * writing: what gzip alone costs, the most any deduper writing these files
 * could do on this machine.
 *
 * Prints a table, writes bench-results/dedupe.json and ends with one line
 * of JSON. A benchmark, not a test: figures vary with the machine and its
 * load; compare within a run.
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
const DUPLICATE_RATE = 0.05;
const CONFLICT_SHARE = 0.1;
const DUPLICATE_WINDOW = 200_000;
const BATCH = 100;
const SEED = 20261123;
/** Bump when the data changes, so that cached data is not reused. */
const GENERATOR_VERSION = 1;

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = join(dirname(thisFile), '../../..');

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

/** Receive time of event i, ms after HOUR: batches of 100 share it. */
function receivedOf(i, events) {
  return Math.floor((Math.floor(i / BATCH) * BATCH * HOUR_MS) / events);
}

/** The source and id of the event that first had key `origin`. */
function keyOf(origin) {
  const next = random32(SEED ^ 0x5bd1e995, origin, 7);
  const id = uuidOf(next);
  const source = `//playback/${REGIONS[next() % 4]}/pod-${next() % 64}`;
  return { source, id };
}

/**
 * The JSON of event `origin` in content variant `variant` (0: as first
 * sent), received `received` ms after HOUR.
 */
function eventJson(origin, variant, events) {
  const { source, id } = keyOf(origin);
  const next = random32(SEED, origin, variant);
  let track = '';
  for (let k = 0; k < 22; k++) track += BASE62[next() % 62];
  const skew = next() % 100 === 0 ? -(next() % 500) : next() % 10_000;
  const time = isoOf(receivedOf(origin, events) - skew);
  const position = next() % 4 === 0 ? 0 : next() % 300_000;
  return (
    `{"specversion":"1.0","id":"${id}","source":"${source}","type":"${EVENT_TYPE}",` +
    `"time":"${time}","data":{"track":{"id":"${track}","source":"${
      CONTEXTS[next() % 4]
    }"},"position_ms":${position}}}`
  );
}

/** What each event is: the key it repeats (origin) and its content variant. */
function planEvents(events) {
  const origin = new Int32Array(events);
  const variant = new Int32Array(events);
  const next = random32(SEED, 1, 2);
  let nextVariant = 1;
  let duplicates = 0;
  let conflicts = 0;
  for (let i = 0; i < events; i++) {
    if (i > 0 && next() / 2 ** 32 < DUPLICATE_RATE) {
      const j = i - 1 - (next() % Math.min(i, DUPLICATE_WINDOW));
      origin[i] = origin[j];
      variant[i] =
        next() / 2 ** 32 < CONFLICT_SHARE ? nextVariant++ : variant[j];
      if (variant[i] === 0) duplicates += 1;
      else conflicts += 1;
    } else {
      origin[i] = i;
      variant[i] = 0;
    }
  }
  return { origin, variant, duplicates, conflicts };
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

/** Worker: writes raw files [first, last) and digests their first events. */
function generateFiles({
  directory,
  events,
  files,
  first,
  last,
  origin,
  variant,
}) {
  const originOf = new Int32Array(origin);
  const variantOf = new Int32Array(variant);
  const perFile = Math.ceil(events / files);
  let sum1 = 0;
  let sum2 = 0;
  let bytes = 0;
  for (let f = first; f < last; f++) {
    const lines = [];
    for (let i = f * perFile; i < Math.min(events, (f + 1) * perFile); i++) {
      const json = eventJson(originOf[i], variantOf[i], events);
      const line = `${json.slice(0, -1)},"receivedAt":"${isoOf(
        receivedOf(i, events),
      )}"}`;
      lines.push(line);
    }
    const text = Buffer.from(`${lines.join('\n')}\n`);
    bytes += text.length;
    let p = 0;
    for (let i = f * perFile; i < Math.min(events, (f + 1) * perFile); i++) {
      const e = text.indexOf(10, p);
      if (originOf[i] === i) {
        const [h1, h2] = lineHash(text, p, e);
        sum1 = (sum1 + h1) >>> 0;
        sum2 = (sum2 + h2) >>> 0;
      }
      p = e + 1;
    }
    fs.writeFileSync(
      join(directory, RAW_FOLDER, `part-${pad(f, 6)}.ndjson.gz`),
      zlib.gzipSync(text, { level: 1, chunkSize: text.length + 64 }),
    );
  }
  parentPort.postMessage({ sum1, sum2, bytes });
}

/** Generates the data set, or finds it generated; returns what it knows. */
async function dataSet({ events, files, regenerate }) {
  const name = `v${GENERATOR_VERSION}-${events}-events-${files}-files`;
  const directory = join(repoRoot, 'bench-results', 'dedupe-data', name);
  const infoPath = join(directory, 'data.json');
  if (!regenerate && fs.existsSync(infoPath)) {
    console.log(`Using the data in ${directory}`);
    return { directory, ...JSON.parse(fs.readFileSync(infoPath, 'utf8')) };
  }
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(join(directory, RAW_FOLDER), { recursive: true });
  console.log(
    `Generating ${events.toLocaleString(
      'en-US',
    )} events in ${files} raw files...`,
  );
  const started = performance.now();
  const plan = planEvents(events);
  const share = array => {
    const shared = new SharedArrayBuffer(array.byteLength);
    new Int32Array(shared).set(array);
    return shared;
  };
  const origin = share(plan.origin);
  const variant = share(plan.variant);
  const threads = Math.max(1, Math.min(2, os.cpus().length));
  const results = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const first = Math.floor((t * files) / threads);
      const last = Math.floor(((t + 1) * files) / threads);
      return new Promise((resolve, reject) => {
        const worker = new Worker(thisFile, {
          workerData: {
            directory,
            events,
            files,
            first,
            last,
            origin,
            variant,
          },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  // The keys of all events in raw order, for the reference.
  const keysFd = fs.openSync(join(directory, 'keys.txt'), 'w');
  let pending = [];
  for (let i = 0; i < events; i++) {
    const { source, id } = keyOf(plan.origin[i]);
    pending.push(`${source}\t${id}\n`);
    if (pending.length === 100_000) {
      fs.writeSync(keysFd, pending.join(''));
      pending = [];
    }
  }
  fs.writeSync(keysFd, pending.join(''));
  fs.closeSync(keysFd);
  const info = {
    events,
    files,
    rawFiles: Array.from(
      { length: files },
      (_, f) => `${RAW_FOLDER}/part-${pad(f, 6)}.ndjson.gz`,
    ),
    distinct: events - plan.duplicates - plan.conflicts,
    duplicates: plan.duplicates,
    conflicts: plan.conflicts,
    lineBytes: results.reduce((sum, r) => sum + r.bytes, 0),
    rawGzipBytes: fs
      .readdirSync(join(directory, RAW_FOLDER))
      .reduce(
        (sum, f) => sum + fs.statSync(join(directory, RAW_FOLDER, f)).size,
        0,
      ),
    digest: results.reduce(
      ([a, b], r) => [(a + r.sum1) >>> 0, (b + r.sum2) >>> 0],
      [0, 0],
    ),
  };
  fs.writeFileSync(infoPath, `${JSON.stringify(info)}\n`);
  console.log(
    `Generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { directory, ...info };
}

// ---------------------------------------------------------------------------
// Ours (child process)

async function runChild({
  dataDirectory,
  rawFiles,
  memoryMiB,
  workDirectory,
  level,
}) {
  const require = createRequire(import.meta.url);
  const { dedupePartition } = require('../src/dedupe/index.ts');
  const {
    LocalPartitionStorage,
  } = require('../src/storage/LocalPartitionStorage.ts');
  const root = join(workDirectory, 'storage');
  fs.mkdirSync(root, { recursive: true });
  fs.symlinkSync(join(dataDirectory, 'raw'), join(root, 'raw'));
  const storage = new LocalPartitionStorage({ directory: root });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await dedupePartition({
    storage,
    partition: { eventType: EVENT_TYPE, start: HOUR, end: HOUR + HOUR_MS },
    rawFiles,
    lookbackFolders: [],
    outputFolder: OUTPUT_FOLDER,
    maxMemoryBytes: memoryMiB * 1024 * 1024,
    spillDirectory: join(workDirectory, 'spill'),
    compressionLevel: level,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      result,
      storageRoot: root,
    })}\n`,
  );
}

async function runOurs({ data, memoryMiB, level }) {
  const workDirectory = fs.mkdtempSync(join(os.tmpdir(), 'bench-dedupe-'));
  const cpuProf = process.env.BENCH_CPU_PROF;
  const args = [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
    thisFile,
    '--child',
    JSON.stringify({
      dataDirectory: data.directory,
      rawFiles: data.rawFiles,
      memoryMiB,
      workDirectory,
      level,
    }),
  ];
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
  if (code !== 0 || !last) {
    fs.rmSync(workDirectory, { recursive: true, force: true });
    throw new Error(`The deduper's process exited with ${code}`);
  }
  return { ...JSON.parse(last), workDirectory };
}

/** Reads the delivered files back: lines, and the digest of the lines. */
function readDelivered(storageRoot, result) {
  let lines = 0;
  let sum1 = 0;
  let sum2 = 0;
  let eventsInFiles = 0;
  for (const file of result.partition.files) {
    const stored = fs.readFileSync(join(storageRoot, file.path));
    const sha256 = `sha256:${createHash('sha256')
      .update(stored)
      .digest('hex')}`;
    if (sha256 !== file.sha256) throw new Error(`${file.path}: sha256 differs`);
    const text = zlib.gunzipSync(stored);
    eventsInFiles += file.events;
    let p = 0;
    while (p < text.length) {
      const e = text.indexOf(10, p);
      const [h1, h2] = lineHash(text, p, e);
      sum1 = (sum1 + h1) >>> 0;
      sum2 = (sum2 + h2) >>> 0;
      lines += 1;
      p = e + 1;
    }
  }
  return { lines, eventsInFiles, digest: [sum1, sum2] };
}

function check(data, run) {
  const { result } = run;
  const delivered = readDelivered(run.storageRoot, result);
  const problems = [];
  const expect = (what, got, want) => {
    if (got !== want) problems.push(`${what}: ${got}, expected ${want}`);
  };
  expect('received', result.received, data.events);
  expect('delivered (= distinct keys)', result.delivered, data.distinct);
  expect('duplicates', result.duplicates, data.duplicates);
  expect('conflicts', result.conflicts, data.conflicts);
  expect('malformed', result.malformed, 0);
  expect('lines in delivered files', delivered.lines, data.distinct);
  expect('events listed for the files', delivered.eventsInFiles, data.distinct);
  expect(
    'digest of delivered lines',
    delivered.digest.join(','),
    data.digest.join(','),
  );
  return { passed: problems.length === 0, problems };
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
  const threads = Math.max(1, Math.min(4, os.availableParallelism()));
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
// Reference

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
      memory: { type: 'string', default: '512' },
      'spill-memory': { type: 'string', default: '64' },
      level: { type: 'string', default: '1' },
      'stored-too': { type: 'boolean', default: false },
      'no-reference': { type: 'boolean', default: false },
      regenerate: { type: 'boolean', default: false },
    },
  });
  const events = Number(values.events);
  const files = Number(
    values.files ?? Math.max(1, Math.round(events / 20_000)),
  );
  const memoryMiB = Number(values.memory);
  const spillMemoryMiB = Number(values['spill-memory']);
  const level = Number(values.level);
  const loadAverageAtStart = os.loadavg().map(n => Math.round(n * 100) / 100);

  const data = await dataSet({ events, files, regenerate: values.regenerate });
  const fmt = n =>
    n === null || n === undefined ? '-' : n.toLocaleString('en-US');
  console.log(
    `${fmt(data.events)} events (${fmt(data.distinct)} distinct keys, ${fmt(
      data.duplicates,
    )} resends, ${fmt(data.conflicts)} conflicts) in ${data.files} files; ` +
      `${Math.round(data.lineBytes / data.events)} bytes per line, ` +
      `${(data.rawGzipBytes / 1e6).toFixed(0)} MB of gzip`,
  );

  const runs = [];
  const measure = async (memory, runLevel = level) => {
    console.log(
      `Ours: maxMemoryBytes ${memory} MiB, gzip level ${runLevel}...`,
    );
    const run = await runOurs({ data, memoryMiB: memory, level: runLevel });
    console.log('Ours: checking the delivered files...');
    let correctness;
    try {
      correctness = check(data, run);
    } finally {
      fs.rmSync(run.workDirectory, { recursive: true, force: true });
    }
    const summary = {
      memoryMiB: memory,
      level: runLevel,
      seconds: Math.round(run.seconds * 100) / 100,
      eventsPerSecond: Math.round(data.events / run.seconds),
      peakRssMb: run.maxRssMb,
      cpuCores: Math.round((run.cpuSeconds / run.seconds) * 100) / 100,
      spilled: run.result.spilled,
      delivered: run.result.delivered,
      duplicates: run.result.duplicates,
      conflicts: run.result.conflicts,
      clientDelayMs: run.result.clientDelayMs,
      files: run.result.partition.files.length,
      deliveredGzipBytes: run.result.partition.files.reduce(
        (sum, f) => sum + f.bytes,
        0,
      ),
      checksum: run.result.partition.checksum,
      correctness,
    };
    runs.push(summary);
    return summary;
  };
  const ours = await measure(memoryMiB);
  const spilling =
    spillMemoryMiB > 0 ? await measure(spillMemoryMiB) : undefined;
  if (spilling && spilling.checksum !== ours.checksum) {
    spilling.correctness.passed = false;
    spilling.correctness.problems.push(
      'checksum differs from the run in memory',
    );
  }
  const stored =
    values['stored-too'] && level !== 0
      ? await measure(memoryMiB, 0)
      : undefined;

  console.log(`Floor: inflate and deflate only, gzip level ${level}...`);
  const floor = await runZlibFloor({ data, level });

  let reference;
  if (!values['no-reference']) {
    console.log(
      `Reference: sort -u on the extracted keys, -S ${memoryMiB}M...`,
    );
    reference = await runReference({ data, memoryMiB });
    if (reference.distinct !== data.distinct) {
      throw new Error(
        `The reference found ${reference.distinct} distinct keys, expected ${data.distinct}`,
      );
    }
  }
  const ratio = reference
    ? Math.round((ours.eventsPerSecond / reference.eventsPerSecond) * 1000) /
      1000
    : null;

  const columns = [
    [
      '',
      ...runs.map(r => `ours ${r.memoryMiB} MiB, gz ${r.level}`),
      'reference sort -u',
      `zlib floor, gz ${level}`,
    ],
    [
      'seconds',
      ...runs.map(r => r.seconds),
      reference?.seconds.toFixed(2),
      floor.seconds.toFixed(2),
    ],
    [
      'events/s',
      ...runs.map(r => fmt(r.eventsPerSecond)),
      fmt(reference?.eventsPerSecond),
      fmt(floor.eventsPerSecond),
    ],
    ['peak RSS MB', ...runs.map(r => r.peakRssMb), reference?.maxRssMb, '-'],
    ['CPU cores used', ...runs.map(r => r.cpuCores), '-', '-'],
    ['spilled', ...runs.map(r => String(r.spilled)), '-', '-'],
    [
      'delivered / distinct',
      ...runs.map(r => fmt(r.delivered)),
      fmt(reference?.distinct),
      '-',
    ],
    [
      'resends / conflicts',
      ...runs.map(r => `${fmt(r.duplicates)} / ${fmt(r.conflicts)}`),
      '-',
      '-',
    ],
    [
      'delivered files (MB)',
      ...runs.map(
        r => `${r.files} (${(r.deliveredGzipBytes / 1e6).toFixed(0)})`,
      ),
      '-',
      '-',
    ],
    [
      'check',
      ...runs.map(r => (r.correctness.passed ? 'PASSED' : 'FAILED')),
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
  for (const r of runs) {
    for (const problem of r.correctness.problems) {
      console.log(`check failed (${r.memoryMiB} MiB): ${problem}`);
    }
  }
  if (ratio !== null) console.log(`\nratio ours/reference: ${ratio}`);
  console.log(
    `ours / zlib floor: ${
      Math.round((ours.eventsPerSecond / floor.eventsPerSecond) * 1000) / 1000
    }`,
  );
  console.log(`client delay (ms): ${JSON.stringify(ours.clientDelayMs)}`);
  console.log(
    `load average before the run (1, 5, 15 min): ${loadAverageAtStart.join(
      ', ',
    )}`,
  );

  const results = {
    benchmark: 'dedupe',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadAverageAtStart,
    },
    data: {
      events: data.events,
      files: data.files,
      distinct: data.distinct,
      duplicates: data.duplicates,
      conflicts: data.conflicts,
      bytesPerLine: Math.round(data.lineBytes / data.events),
      rawGzipBytes: data.rawGzipBytes,
      eventType: EVENT_TYPE,
    },
    settings: {
      ours: 'dedupePartition in a child process, LocalPartitionStorage, no lookback',
      reference: `LC_ALL=C sort -u --parallel=2 -S ${memoryMiB}M on pre-extracted "source<TAB>id" lines (extraction not timed), output counted through a pipe`,
      floor: `worker threads (${Math.min(
        4,
        os.availableParallelism(),
      )}) that only gunzip every raw file and deflate it again at gzip level ${level} as ours does`,
      level,
    },
    ours,
    spilling,
    stored,
    reference,
    floor,
    ratio,
    target: { eventsPerSecond: 1_000_000 },
    meetsTarget: ours.eventsPerSecond >= 1_000_000 && ours.correctness.passed,
  };
  const dir = join(repoRoot, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    join(dir, 'dedupe.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log('\nWritten to bench-results/dedupe.json');
  if (
    !ours.correctness.passed ||
    (spilling && !spilling.correctness.passed) ||
    (stored && !stored.correctness.passed)
  ) {
    process.exitCode = 1;
  }
  console.log(
    JSON.stringify({
      eventsPerSecond: ours.eventsPerSecond,
      peakRssMb: ours.peakRssMb,
      referenceEventsPerSecond: reference?.eventsPerSecond ?? null,
      ratio,
    }),
  );
}

// ---------------------------------------------------------------------------

if (!isMainThread && workerData.floor) {
  zlibFloorWorker(workerData);
} else if (!isMainThread) {
  generateFiles(workerData);
} else if (process.argv[2] === '--child') {
  runChild(JSON.parse(process.argv[3])).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
