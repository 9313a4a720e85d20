/*
 * yarn bench:ingest [--seconds 20] [--warmup 5] [--connections 16] [--backend <module>]
 *
 * Ingest throughput of the real backend on the embedded default (SQLite
 * metadata, the local transport fsynced by its worker thread, local file
 * storage, the consumer in the same process), beside a reference server that
 * only parses each request's JSON and appends the body to a file, in the same
 * run, with the same load and the same request bodies.
 *
 * Load: autocannon POSTs batches of 100 CloudEvents of a playback event
 * type (application/cloudevents-batch+json), rotating through a pool of 200
 * pre-generated batches (each connection starting elsewhere in the pool).
 * Every request's events are distinct: each event id starts with the
 * request's sequence number, stamped into the body as it is sent, so no
 * event is ever resent and a dedupe of ids anywhere in the pipeline cannot
 * flatter the figures. Two runs in the same backend, same events: one of
 * a type without personal data, one of a type whose events carry three
 * personal fields (the data subject user_id, stored as a pseudonym, and
 * email and client_ip, sealed with the person's key). The pool's 20,000
 * events are about 2,000 people, ten events each, as a session of a user
 * would send; each person's email and address stay the same. The bench
 * registers both types (com.example.bench.playback and
 * com.example.bench.playback.personal) before the load. 16 connections, no pipelining,
 * one load-generator thread: on 2 cores, autocannon's worker threads would
 * only take CPU from the server, and one thread uses ~0.1-0.3 of a core.
 * Only events acknowledged with 202 count; other statuses (429 from
 * backpressure, ...) are counted and printed, and latency percentiles are
 * those of 202 responses (all responses' are printed too). After the run it
 * checks that the pipeline stored what it acknowledged: once the consumer has
 * drained the transport, every event of every acknowledged request is in the
 * raw partitions exactly once.
 *
 * The reference server runs in a child process of its own (its own event
 * loop, like the backend), reads the body, JSON.parses it and appends it plus
 * a newline to a file with fs.write on an open fd: no fsync, so "durable"
 * only as far as the page cache. It answers 202 with the same body as ours.
 *
 * Beside the throughput it prints the backend's CPU per event from the
 * start of a type's warm-up until the consumer drained its events (all the
 * backend's threads): what a collector's capacity is planned from, less
 * noisy than throughput on a shared machine.
 *
 * Prints a table, writes bench-results/ingest.json and ends with one line of
 * JSON; exits with 1 when a durability check fails. A benchmark, not a
 * test: figures vary with the machine and its load; compare within a run.
 *
 * --backend measures another set-up of the pipeline instead of the embedded
 * default, e.g. a transport module's (yarn bench:ingest:pubsub): a module
 * exporting `name` (the results go to bench-results/ingest-<name>.json),
 * `setUp` (a sentence for the results) and `start({ dataDir })`, which
 * resolves to `{ options, helperPid, stop() }`: options merged into
 * startPipelineBackend's, and the process of whatever it started beside the
 * backend (fake services), whose CPU time is reported too.
 *
 * BENCH_CPU_PROF=<folder> runs the backend with --cpu-prof into that folder
 * (one profile per thread: main, transport worker, ...), for a look at where
 * the time goes. BENCH_BACKEND_NODE_OPTIONS adds Node options to the backend
 * only (e.g. --max-semi-space-size=64), for experiments; the results file
 * records them.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  write,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const EVENT_TYPE = 'com.example.bench.playback';
const PERSONAL_EVENT_TYPE = 'com.example.bench.playback.personal';
const EVENTS_PER_BATCH = 100;
const POOL_BATCHES = 200;
/** People in the pool: ten events each. */
const PEOPLE = 2000;
const INGEST_PATH = '/api/delivery-pipeline/events';
/**
 * Where each event id holds its request's sequence number (8 hex digits),
 * written as each request is sent: the same width, so the body's length
 * stays the same.
 */
const SEQUENCE_SLOT = '@@seq@@@';
const SEQUENCE_ID = /^([0-9a-f]{8})-/;
const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
/** Issue 21's: validated durable events on 2 cores, against the reference. */
const TARGET = {
  eventsPerSecond: 120_000,
  p99Ms: 100,
  ratio: 0.5,
  personalRatio: 0.8,
};

const thisFile = fileURLToPath(import.meta.url);

if (process.argv[2] === '--reference-server') {
  runReferenceServer(process.argv[3]);
} else {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------
// The reference server (child process)

/**
 * Parses the JSON of every request and appends the body plus a newline to
 * `file` through one open fd (fs.write, no fsync), then answers 202 with
 * `{accepted, rejected}`. Prints its port on stdout once listening.
 */
function runReferenceServer(file) {
  const fd = openSync(file, 'a');
  const newline = Buffer.from('\n');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      chunks.push(newline);
      const body = Buffer.concat(chunks);
      let events;
      try {
        events = JSON.parse(body.subarray(0, body.length - 1).toString());
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: error.message } }));
        return;
      }
      const accepted = Array.isArray(events) ? events.length : 1;
      // position null: append (the fd is O_APPEND anyway).
      write(fd, body, 0, body.length, null, error => {
        if (error) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: error.message } }));
          return;
        }
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted, rejected: [] }));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify(server.address())}\n`);
  });
  const shutdown = () => server.close(() => closeSync(fd));
  process.once('SIGTERM', () => {
    shutdown();
    setTimeout(() => process.exit(0), 1000).unref();
  });
}

async function startReferenceServer(file) {
  const child = spawn(
    process.execPath,
    [thisFile, '--reference-server', file],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const address = await new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', code =>
      reject(new Error(`The reference server exited with ${code}`)),
    );
    child.stdout.on('data', chunk => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(text.slice(0, newline)));
    });
  });
  return {
    url: `http://127.0.0.1:${address.port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------
// Events

const hex = bytes => randomBytes(bytes).toString('hex');
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = length =>
  Array.from(randomBytes(length), byte => BASE62[byte % 62]).join('');
const pick = list => list[Math.floor(Math.random() * list.length)];

const REGIONS = ['eu-west-1', 'eu-north-1', 'us-east-1', 'ap-southeast-2'];
const PLAYBACK_SOURCES = ['album', 'playlist', 'radio', 'search'];

/** The data schema of both bench types: playback plus who and where from. */
const BENCH_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'track_id'],
  properties: {
    user_id: { type: 'string' },
    track_id: { type: 'string' },
    position_ms: { type: 'integer', minimum: 0 },
    source: { type: 'string', enum: PLAYBACK_SOURCES },
    email: { type: 'string', format: 'email' },
    client_ip: { type: 'string', format: 'ipv4' },
  },
};

/**
 * Registers the bench's two types: the same schema, one without personal
 * data and one with three personal fields.
 */
async function registerBenchTypes(backend) {
  for (const [name, personal] of [
    [EVENT_TYPE, {}],
    [
      PERSONAL_EVENT_TYPE,
      { dataSubject: 'user_id', personalDataFields: ['email', 'client_ip'] },
    ],
  ]) {
    const response = await fetch(
      `${backend.url}/api/event-schemas/event-types`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${backend.token}`,
        },
        body: JSON.stringify({
          name,
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema: BENCH_SCHEMA,
          ...personal,
        }),
      },
    );
    if (response.status !== 201) {
      throw new Error(
        `Registering ${name} answered ${
          response.status
        }: ${await response.text()}`,
      );
    }
  }
}

const people = Array.from({ length: PEOPLE }, (_, i) => ({
  userId: `user:${randomUUID()}`,
  email: `listener.${i}.${base62(6)}@example.com`,
  clientIp: `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 250)}`,
}));

/**
 * One playback event as a player backend would send it: a uuid id, the
 * emitting pod as source, the playback session as subject, the pinned
 * registry version as dataschema, a W3C traceparent extension, and data
 * that follows the schema (additionalProperties: false, so nothing else
 * can go in data).
 */
function makeEvent(backendUrl, eventType, time, person) {
  return {
    specversion: '1.0',
    id: `${SEQUENCE_SLOT}-${randomUUID()}`,
    source: `//playback-service/${pick(REGIONS)}/pod-${Math.floor(
      Math.random() * 64,
    )}`,
    type: eventType,
    subject: `playback-session/${randomUUID()}`,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: `${backendUrl}/api/event-schemas/event-types/${eventType}/versions/1`,
    traceparent: `00-${hex(16)}-${hex(8)}-01`,
    data: {
      user_id: person.userId,
      track_id: `spotify:track:${base62(22)}`,
      position_ms:
        Math.random() < 0.7 ? 0 : Math.floor(Math.random() * 300_000),
      source: pick(PLAYBACK_SOURCES),
      email: person.email,
      client_ip: person.clientIp,
    },
  };
}

/**
 * POOL_BATCHES request bodies of EVENTS_PER_BATCH events of a type, each id
 * starting with SEQUENCE_SLOT.
 */
function makeBodies(backendUrl, eventType) {
  const bodies = [];
  const start = Date.now() - 60_000;
  for (let b = 0; b < POOL_BATCHES; b++) {
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) =>
      makeEvent(
        backendUrl,
        eventType,
        new Date(start + b * 100 + i),
        people[(b * EVENTS_PER_BATCH + i) % PEOPLE],
      ),
    );
    bodies.push(JSON.stringify(events));
  }
  return bodies;
}

/**
 * The requests sent in the runs against one server: a sequence number per
 * request, and those acknowledged with 202.
 */
function newLedger() {
  return { nextSequence: 0, acknowledged: new Set() };
}

// ---------------------------------------------------------------------------
// Load

/** utime + stime of a process (all its threads), in milliseconds. */
function processCpuMs(pid) {
  const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * Runs autocannon against `url` with the bodies, each connection starting at
 * a different place in the pool, each request stamped with the next sequence
 * number of `ledger` (see SEQUENCE_SLOT). Returns the figures, with the CPU
 * time used by the server and by this process (the load generator)
 * meanwhile. The clock runs from autocannon's `start` (connections built) to
 * its end. `ledger.acknowledged` gets the sequence number of every request
 * answered 202.
 */
async function load({
  url,
  token,
  bodies,
  connections,
  seconds,
  serverPid,
  ledger = newLedger(),
}) {
  const statusCounts = {};
  let acceptedEvents = 0;
  let rejectedEvents = 0;
  let unexpectedBodies = 0;
  // One request in flight per connection (no pipelining): the client's
  // context holds the sequence number of the request it waits for.
  const setupRequestFor = template => (request, context) => {
    const sequence = ledger.nextSequence++;
    context.sequence = sequence;
    return {
      ...request,
      body: template.replaceAll(
        SEQUENCE_SLOT,
        sequence.toString(16).padStart(8, '0'),
      ),
    };
  };
  const onResponse = (status, body, context) => {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status !== 202) return;
    ledger.acknowledged.add(context.sequence);
    try {
      const outcome = JSON.parse(body);
      acceptedEvents += outcome.accepted;
      rejectedEvents += outcome.rejected.length;
    } catch {
      unexpectedBodies += 1;
    }
  };
  const headers = {
    'content-type': BATCH_CONTENT_TYPE,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const requests = bodies.map(template => ({
    method: 'POST',
    path: INGEST_PATH,
    headers,
    body: template,
    setupRequest: setupRequestFor(template),
    onResponse,
  }));
  let nextClient = 0;
  const step = Math.max(1, Math.floor(requests.length / connections));
  // Latency per status: a quick 429 must not flatter the latency of a 202.
  const latencies = {};
  const setupClient = client => {
    const offset = (nextClient++ * step) % requests.length;
    client.setRequests([
      ...requests.slice(offset),
      ...requests.slice(0, offset),
    ]);
    client.on('response', (status, _bytes, ms) => {
      (latencies[status] ??= []).push(ms);
    });
  };

  let startedAt;
  let serverCpuBefore;
  let ownCpuBefore;
  const run = autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests,
    setupClient,
  });
  run.once('start', () => {
    startedAt = performance.now();
    serverCpuBefore = processCpuMs(serverPid);
    ownCpuBefore = process.cpuUsage();
  });
  const result = await run;
  const elapsedMs = performance.now() - startedAt;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const serverCpuMs = processCpuMs(serverPid) - serverCpuBefore;
  const ownCpuMs = (ownCpu.user + ownCpu.system) / 1000;
  const elapsed = elapsedMs / 1000;

  return {
    seconds: Math.round(elapsed * 100) / 100,
    requests: result.requests.total,
    statusCounts,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acceptedEvents,
    rejectedEvents,
    unexpectedBodies,
    eventsPerSecond: Math.round(acceptedEvents / elapsed),
    requestsPerSecond: Math.round(result.requests.total / elapsed),
    latencyMs: {
      accepted: percentiles(latencies[202] ?? []),
      byStatus: Object.fromEntries(
        Object.entries(latencies).map(([status, ms]) => [
          status,
          percentiles(ms),
        ]),
      ),
      allResponses: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
        mean: Math.round(result.latency.mean * 100) / 100,
      },
    },
    cpuCores: {
      server: Math.round((serverCpuMs / elapsedMs) * 100) / 100,
      loadGenerator: Math.round((ownCpuMs / elapsedMs) * 100) / 100,
    },
  };
}

/** p50, p90, p99 and max of latencies in milliseconds, to 0.1 ms. */
function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = q =>
    sorted.length === 0
      ? null
      : Math.round(
          sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] *
            10,
        ) / 10;
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
  };
}

// ---------------------------------------------------------------------------
// Durability check

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Events the pipeline counted into partitions of the type, per its API. */
async function eventsInPartitions(backend, eventType) {
  const response = await fetch(
    `${backend.url}/api/delivery-pipeline/partitions?eventType=${eventType}`,
    { headers: { authorization: `Bearer ${backend.token}` } },
  );
  if (!response.ok) {
    throw new Error(`GET partitions answered ${response.status}`);
  }
  const { items } = await response.json();
  return items.reduce((sum, partition) => sum + partition.counts.received, 0);
}

/**
 * Waits until the consumer has moved every acknowledged event into raw
 * partitions (the partition counters reach the acknowledged count and stay
 * put for 2 s), then reads the raw files and checks every request by its
 * sequence number: each acknowledged one has all its events stored exactly
 * once. An unacknowledged request may be stored whole, never in part: the
 * server received it but the load generator stopped waiting for its answer
 * when its time was up, at most one per connection and load phase.
 */
async function checkStored({
  backend,
  eventType,
  readRawEventIds,
  ledger,
  maxUnanswered,
}) {
  const expected = ledger.acknowledged.size * EVENTS_PER_BATCH;
  const started = Date.now();
  let counted = -1;
  let stableSince = Date.now();
  while (Date.now() - started < 300_000) {
    const now = await eventsInPartitions(backend, eventType);
    if (now !== counted) {
      counted = now;
      stableSince = Date.now();
    } else if (counted >= expected && Date.now() - stableSince >= 2000) {
      break;
    }
    await sleep(200);
  }
  const drainMs = stableSince - started;

  const { files, ids } = await readRawEventIds(backend.storageDirectory, {
    eventType,
  });
  const storedPerRequest = new Map();
  let unknownIds = 0;
  for (const id of ids) {
    const match = SEQUENCE_ID.exec(id);
    const sequence = match ? parseInt(match[1], 16) : NaN;
    if (!(sequence < ledger.nextSequence)) {
      unknownIds += 1;
      continue;
    }
    storedPerRequest.set(sequence, (storedPerRequest.get(sequence) ?? 0) + 1);
  }
  let missing = 0;
  let duplicated = 0;
  for (const sequence of ledger.acknowledged) {
    const stored = storedPerRequest.get(sequence) ?? 0;
    missing += Math.max(0, EVENTS_PER_BATCH - stored);
    duplicated += Math.max(0, stored - EVENTS_PER_BATCH);
  }
  let unevenRequests = 0;
  let storedUnanswered = 0;
  for (const [sequence, stored] of storedPerRequest) {
    if (ledger.acknowledged.has(sequence)) continue;
    if (stored === EVENTS_PER_BATCH) storedUnanswered += 1;
    else if (stored % EVENTS_PER_BATCH !== 0) unevenRequests += 1;
    else duplicated += stored - EVENTS_PER_BATCH;
  }
  return {
    passed:
      missing === 0 &&
      duplicated === 0 &&
      unknownIds === 0 &&
      unevenRequests === 0 &&
      storedUnanswered <= maxUnanswered &&
      counted === ids.length,
    acknowledgedEvents: expected,
    acknowledgedRequests: ledger.acknowledged.size,
    rawLines: ids.length,
    rawFiles: files,
    partitionCounters: counted,
    missingEvents: missing,
    duplicatedEvents: duplicated,
    unknownIds,
    unevenRequests,
    storedUnansweredRequests: storedUnanswered,
    maxUnansweredRequests: maxUnanswered,
    drainMsAfterLoad: drainMs,
  };
}

// ---------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '16' },
      backend: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const warmupSeconds = Number(values.warmup);
  const connections = Number(values.connections);

  const { repoRoot, startPipelineBackend, readRawEventIds } = await import(
    new URL('../../../e2e/lib/pipelineBackend.mjs', import.meta.url).href
  );
  const dataDir = await mkdtemp(join(os.tmpdir(), 'bench-ingest-'));
  const cpuProf = process.env.BENCH_CPU_PROF;
  const backendNodeOptions = [
    process.env.BENCH_BACKEND_NODE_OPTIONS ?? '',
    ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
  ]
    .join(' ')
    .trim();
  const env = backendNodeOptions
    ? {
        NODE_OPTIONS: `${
          process.env.NODE_OPTIONS ?? ''
        } ${backendNodeOptions}`.trim(),
      }
    : {};

  // Other work on the machine skews both figures: keep what was running.
  const loadAverageAtStart = os.loadavg().map(n => Math.round(n * 100) / 100);
  console.log(
    `${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${
      process.version
    }; load average ${loadAverageAtStart.join(', ')}`,
  );
  const setUp = values.backend
    ? await import(new URL(values.backend, `file://${process.cwd()}/`).href)
    : undefined;
  let backend;
  let reference;
  let helper;
  try {
    console.log(
      `Starting the pipeline backend (${setUp?.name ?? 'embedded default'})...`,
    );
    helper = await setUp?.start({ dataDir: join(dataDir, 'helper') });
    backend = await startPipelineBackend({
      ...helper?.options,
      dataDir: join(dataDir, 'backend'),
      env: { ...helper?.options.env, ...env },
    });
    await backend.waitForEventType('com.example.playback.started');
    await registerBenchTypes(backend);

    /**
     * Warm-up and measured load of one type's events against the backend,
     * then the durability check once the consumer drained them.
     */
    const measure = async eventType => {
      const bodies = makeBodies(backend.url, eventType);
      const settings = { connections, seconds, bodies };
      const ledger = newLedger();
      // The backend's CPU for these events, their consuming included: the
      // consumer's backlog drains after the load stops, so CPU within the
      // measured window leaves out part of their cost.
      const cpuMsAtStart = processCpuMs(backend.pid);
      console.log(`Ours, ${eventType}: warm-up ${warmupSeconds} s...`);
      const warmup = await load({
        ...settings,
        url: backend.url,
        token: backend.token,
        seconds: warmupSeconds,
        serverPid: backend.pid,
        ledger,
      });
      console.log(
        `Ours, ${eventType}: ${seconds} s, ${connections} connections...`,
      );
      const helperCpuMsBefore = helper && processCpuMs(helper.helperPid);
      const measured = await load({
        ...settings,
        url: backend.url,
        token: backend.token,
        serverPid: backend.pid,
        ledger,
      });
      if (helper) {
        measured.cpuCores.helper =
          Math.round(
            (processCpuMs(helper.helperPid) - helperCpuMsBefore) /
              (measured.seconds * 10),
          ) / 100;
      }
      // What the consumer had not yet moved to raw partitions when the load
      // stopped: a backlog that grows run after run ends in 429s.
      const consumerBacklogAtEnd =
        warmup.acceptedEvents +
        measured.acceptedEvents -
        (await eventsInPartitions(backend, eventType));
      console.log(
        `Ours, ${eventType}: waiting for the consumer to drain, then checking...`,
      );
      const durability = await checkStored({
        backend,
        eventType,
        readRawEventIds,
        ledger,
        // Two load phases: warm-up and measured.
        maxUnanswered: 2 * connections,
      });
      const cpuUsPerEventThroughDrain =
        Math.round(
          ((processCpuMs(backend.pid) - cpuMsAtStart) * 10_000) /
            (warmup.acceptedEvents + measured.acceptedEvents),
        ) / 10;
      return {
        ...measured,
        cpuUsPerEventThroughDrain,
        consumerBacklogAtEnd,
        warmup,
        durability,
        bodies,
      };
    };
    const { bodies, ...ours } = await measure(EVENT_TYPE);
    const { bodies: _personalBodies, ...personal } = await measure(
      PERSONAL_EVENT_TYPE,
    );
    const bodyBytes = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0);
    const eventBytes = Math.round(
      bodyBytes / (POOL_BATCHES * EVENTS_PER_BATCH),
    );
    const batchBytes = Math.round(bodyBytes / POOL_BATCHES);
    console.log(
      `${POOL_BATCHES} batches of ${EVENTS_PER_BATCH} events per type, ids stamped per request, ` +
        `~${eventBytes} bytes per event, ~${batchBytes} bytes per request`,
    );
    const settings = { connections, seconds, bodies };

    const referenceFile = join(dataDir, 'reference.ndjson');
    reference = await startReferenceServer(referenceFile);
    console.log(`Reference: warm-up ${warmupSeconds} s...`);
    await load({
      ...settings,
      url: reference.url,
      seconds: warmupSeconds,
      serverPid: reference.pid,
    });
    console.log(`Reference: ${seconds} s, ${connections} connections...`);
    const ref = await load({
      ...settings,
      url: reference.url,
      serverPid: reference.pid,
    });
    const referenceFileBytes = (await stat(referenceFile)).size;
    await reference.stop();
    reference = undefined;

    const ratio =
      Math.round((ours.eventsPerSecond / ref.eventsPerSecond) * 1000) / 1000;
    // What sealing personal data costs: the personal run against the plain
    // one, same backend, same events but for their type.
    const personalRatio =
      Math.round((personal.eventsPerSecond / ours.eventsPerSecond) * 1000) /
      1000;

    const fmt = n => n.toLocaleString('en-US');
    const statuses = s =>
      Object.entries(s.statusCounts)
        .map(([code, count]) => `${code}: ${fmt(count)}`)
        .join(', ') || '-';
    const runs = [ours, personal, ref];
    const row = (name, value) => [name, ...runs.map(value)];
    const rows = [
      ['', 'ours', 'ours, personal data', 'reference'],
      row('events/s (202 only)', r => fmt(r.eventsPerSecond)),
      row('requests/s', r => fmt(r.requestsPerSecond)),
      row('requests', r => fmt(r.requests)),
      row('statuses', statuses),
      row('non-2xx', r => fmt(r.non2xx)),
      row('errors / timeouts', r => `${r.errors} / ${r.timeouts}`),
      row('rejected events', r => fmt(r.rejectedEvents)),
      row('202 latency p50 ms', r => r.latencyMs.accepted.p50),
      row('202 latency p99 ms', r => r.latencyMs.accepted.p99),
      row('202 latency max ms', r => r.latencyMs.accepted.max),
      row(
        'all responses p50/p99 ms',
        r =>
          `${r.latencyMs.allResponses.p50} / ${r.latencyMs.allResponses.p99}`,
      ),
      row('CPU cores: server', r => r.cpuCores.server),
      row(
        'server CPU µs/event, drained',
        r => r.cpuUsPerEventThroughDrain ?? '-',
      ),
      row('CPU cores: load generator', r => r.cpuCores.loadGenerator),
      ...(helper
        ? [row('CPU cores: beside the backend', r => r.cpuCores.helper ?? '-')]
        : []),
    ];
    console.log('');
    for (const [name, ...cells] of rows) {
      console.log(
        `${name.padEnd(28)} ${cells
          .map(cell => String(cell).padStart(20))
          .join(' ')}`,
      );
    }
    console.log(`\nratio ours/reference: ${ratio}`);
    console.log(
      `ratio personal data/plain: ${personalRatio} (sealing costs ${Math.round(
        (1 - personalRatio) * 100,
      )}% of throughput)`,
    );
    console.log(
      `load average before the run (1, 5, 15 min): ${loadAverageAtStart.join(
        ', ',
      )}`,
    );
    for (const [name, run] of [
      [EVENT_TYPE, ours],
      [PERSONAL_EVENT_TYPE, personal],
    ]) {
      const d = run.durability;
      console.log(
        [
          `durability check, ${name}: ${d.passed ? 'PASSED' : 'FAILED'}`,
          `  acknowledged (202, warm-up included): ${fmt(
            d.acknowledgedEvents,
          )} events in ${fmt(
            d.acknowledgedRequests,
          )} requests, none sent twice`,
          `  raw partitions: ${fmt(d.rawLines)} lines in ${
            d.rawFiles
          } files; partition counters ${fmt(d.partitionCounters)}`,
          `  acknowledged but missing: ${d.missingEvents}; stored twice: ${d.duplicatedEvents}; unknown ids: ${d.unknownIds}; partly stored requests: ${d.unevenRequests}`,
          `  stored requests whose response the load generator stopped waiting for: ${d.storedUnansweredRequests} (at most ${d.maxUnansweredRequests}: one per connection and phase)`,
          `  consumer backlog when the load stopped: ${fmt(
            run.consumerBacklogAtEnd,
          )} events; drained ${(d.drainMsAfterLoad / 1000).toFixed(1)} s later`,
        ].join('\n'),
      );
    }
    const durable = ours.durability.passed && personal.durability.passed;

    const results = {
      benchmark: 'ingest',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadAverageAtStart,
      },
      settings: {
        connections,
        pipelining: 1,
        seconds,
        warmupSeconds,
        autocannonWorkers: 0,
        backendNodeOptions,
        eventsPerBatch: EVENTS_PER_BATCH,
        bodyTemplates: POOL_BATCHES,
        eventIds: 'distinct in every request (its sequence number stamped in)',
        bytesPerEvent: eventBytes,
        bytesPerRequest: batchBytes,
        eventType: EVENT_TYPE,
        personalEventType: PERSONAL_EVENT_TYPE,
        personalFields:
          'user_id (the data subject, stored as a pseudonym), email and client_ip (sealed)',
        people: PEOPLE,
        backend:
          setUp?.setUp ??
          'plugins/delivery-pipeline-backend/dev/pipelineBackend.ts, default config (SQLite, local transport, local storage)',
        reference:
          'node:http in a child process: JSON.parse, then fs.write of the body on an open fd (O_APPEND, no fsync)',
      },
      ours,
      personal,
      reference: { ...ref, fileBytes: referenceFileBytes },
      ratio,
      personalRatio,
      durability: { passed: durable },
      target: TARGET,
      meetsTarget:
        ours.eventsPerSecond >= TARGET.eventsPerSecond &&
        ours.latencyMs.accepted.p99 < TARGET.p99Ms &&
        ratio >= TARGET.ratio &&
        personalRatio >= TARGET.personalRatio,
    };
    const dir = join(repoRoot, 'bench-results');
    mkdirSync(dir, { recursive: true });
    const resultsFile = setUp ? `ingest-${setUp.name}.json` : 'ingest.json';
    writeFileSync(
      join(dir, resultsFile),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(`\nWritten to bench-results/${resultsFile}`);
    console.log(
      JSON.stringify({
        eventsPerSecond: ours.eventsPerSecond,
        p99Ms: ours.latencyMs.accepted.p99,
        personalEventsPerSecond: personal.eventsPerSecond,
        personalP99Ms: personal.latencyMs.accepted.p99,
        cpuUsPerEvent: ours.cpuUsPerEventThroughDrain,
        referenceEventsPerSecond: ref.eventsPerSecond,
        ratio,
        personalRatio,
        durability: durable ? 'passed' : 'failed',
        ...(durable
          ? {}
          : {
              durabilityFailures: Object.fromEntries(
                [
                  [EVENT_TYPE, ours],
                  [PERSONAL_EVENT_TYPE, personal],
                ]
                  .filter(([, run]) => !run.durability.passed)
                  .map(([name, run]) => [name, run.durability]),
              ),
            }),
        meetsTarget: results.meetsTarget,
        machine: `${results.machine.cpus} cores, Node ${results.machine.node}`,
      }),
    );
    if (!durable) process.exitCode = 1;
  } finally {
    await reference?.stop();
    await backend?.stop();
    await helper?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
