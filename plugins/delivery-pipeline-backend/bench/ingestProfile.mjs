/*
 * node plugins/delivery-pipeline-backend/bench/ingestProfile.mjs <main.cpuprofile> [--from <s> --to <s> --events <n>]
 *
 * Where the backend's main thread spends its time during `yarn bench:ingest`,
 * by phase of a request, from the CPU profile that
 * `BENCH_CPU_PROF=<folder> yarn bench:ingest` writes per thread (the main
 * thread's is the one whose name ends in `.0.001.cpuprofile`).
 *
 * Without --from and --to it prints the busy milliseconds of each second of
 * the profile: the measured load phases are the runs of seconds near 1000
 * after the start-up (plain type first, then personal data). With them it
 * sums each sample into the first phase, in the order below, that any frame
 * of its stack belongs to, and prints milliseconds, shares and, given
 * --events (the events acknowledged in the window: the bench's events/s
 * times its seconds), microseconds per event.
 *
 * The profiler samples the wall clock of the thread: a thread blocked in a
 * system call (fsync) counts as busy, idle time as "(idle)". A profile is
 * written when its thread exits: on a loaded machine the backend may take
 * longer than the bench's grace period to stop, be killed, and leave only
 * its workers' profiles; run again.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Phases in order of precedence: a sample counts for the first that matches. */
const PHASES = [
  ['garbage collection', f => f.functionName === '(garbage collector)'],
  ['idle', f => f.functionName === '(idle)'],
  [
    'Backstage auth (token verification)',
    f =>
      /node_modules\/jose\/|entrypoints\/auth\/|entrypoints\/httpAuth\//.test(
        f.url,
      ),
  ],
  [
    'consumer (raw partitions, on this thread)',
    f => /src\/consumer\//.test(f.url),
  ],
  [
    'response: status, headers, request log, socket write',
    f =>
      /express\/lib\/response|_http_outgoing|rootLogger|winston|logform/.test(
        f.url,
      ) ||
      f.functionName === 'writev' ||
      f.functionName === 'writeHead',
  ],
  ['SQLite via knex (metadata)', f => /node_modules\/knex\//.test(f.url)],
  [
    'ingest: pre-scan (depth, elements)',
    f => f.functionName === 'scanJsonStructure',
  ],
  ['ingest: JSON.parse', f => f.functionName === 'parseJson'],
  ['ingest: UTF-8 decode', f => f.functionName === 'decodeBody'],
  [
    'ingest: event checks and JSON.stringify',
    f => f.functionName === 'checkEvent',
  ],
  ['ingest: personal data', f => /src\/personalData\//.test(f.url)],
  [
    'ingest: grants, registry, data validation',
    f =>
      /checkAgainstRegistry|EventTypeValidators|compileValidator|ProducerAuthorization|ProducerGrants|node_modules\/ajv/.test(
        f.url,
      ),
  ],
  [
    'ingest: receive stamp, transport hand-off',
    f => /src\/transport\//.test(f.url) || f.functionName === 'postMessage',
  ],
  ['ingest: reading the body', f => /binding\/readBody/.test(f.url)],
  ['ingest: the rest', f => /src\/ingest\/|src\/service\/router/.test(f.url)],
  ['compression middleware', f => /node_modules\/compression\//.test(f.url)],
  [
    'Express, helmet, cors, startup gate',
    f =>
      /node_modules\/(express|helmet|cors|express-promise-router)\/|backend-defaults|src\/startup\//.test(
        f.url,
      ),
  ],
  [
    'Node HTTP: request parsing, streams',
    f => /_http|node:net|streams/.test(f.url),
  ],
];

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    events: { type: 'string' },
  },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map(node => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parents.set(child, node.id);
}

/** [seconds since the profile's start, node id, µs] per sample. */
const samples = [];
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  samples.push([
    clock / 1e6,
    profile.samples[i],
    profile.timeDeltas[i + 1] ?? 0,
  ]);
}

if (values.from === undefined || values.to === undefined) {
  const busy = new Map();
  for (const [second, id, us] of samples) {
    if (nodes.get(id).callFrame.functionName === '(idle)') continue;
    const s = Math.floor(second);
    busy.set(s, (busy.get(s) ?? 0) + us / 1000);
  }
  console.log('second  busy ms');
  for (const [s, ms] of [...busy].sort((a, b) => a[0] - b[0])) {
    console.log(`${String(s).padStart(6)}  ${ms.toFixed(0).padStart(7)}`);
  }
  process.exit(0);
}

const from = Number(values.from);
const to = Number(values.to);
const events = values.events ? Number(values.events) : undefined;
const byPhase = new Map();
let total = 0;
for (const [second, id, us] of samples) {
  if (second < from || second >= to) continue;
  total += us;
  const stack = [];
  for (let at = id; at !== undefined; at = parents.get(at)) {
    stack.push(nodes.get(at).callFrame);
  }
  const phase =
    PHASES.find(([, belongs]) => stack.some(belongs))?.[0] ?? 'other';
  byPhase.set(phase, (byPhase.get(phase) ?? 0) + us);
}
console.log(
  `main thread, ${from}-${to} s: ${(total / 1000).toFixed(0)} ms sampled`,
);
for (const [phase, us] of [...byPhase].sort((a, b) => b[1] - a[1])) {
  const perEvent = events
    ? `${(us / events).toFixed(2).padStart(7)} µs/event`
    : '';
  console.log(
    `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total)
      .toFixed(1)
      .padStart(5)}% ${perEvent}  ${phase}`,
  );
}
