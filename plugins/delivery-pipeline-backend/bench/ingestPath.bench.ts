/*
 * node --require @backstage/cli/config/nodeTransform.cjs \
 *   plugins/delivery-pipeline-backend/bench/ingestPath.bench.ts [seconds]
 *
 * The CPU cost per event of ingest's own work on a batch, in-process and
 * without HTTP, the registry or the transport: the binding (scan, parse,
 * attribute checks, the event's JSON) and the receive-time stamp, on
 * 100-event batches of the playback event `yarn bench:ingest` sends.
 *
 * Also times its parts alone, in alternating rounds: JSON.stringify of
 * each event (the stored line must be its spelling), the attribute checks,
 * and the registry checks of a batch against a stand-in registry that
 * accepts every event at once (so what is timed is ingest's own work:
 * names, dataschema, the per-request look-up map).
 *
 * A benchmark, not a test: figures vary with the machine and its load;
 * compare within a run.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_BINDING_LIMITS,
  parseCloudEvents,
} from '../src/ingest/binding';
import {
  checkAgainstRegistry,
  stampReceived,
} from '../src/ingest/checkAgainstRegistry';
import { checkAttributes } from '../src/ingest/binding/attributes';
import { EventTypeValidators } from '../src/registry/EventTypeValidators';

const seconds = Number(process.argv[2] ?? 5);
const EVENTS_PER_BATCH = 100;
const BATCHES = 50;
const TYPE = 'bench.playback.started';
const headers = { 'content-type': 'application/cloudevents-batch+json' };

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
const hex = (bytes: number) =>
  Array.from({ length: bytes * 2 }, () => pick([...'0123456789abcdef'])).join(
    '',
  );

function makeEvent(i: number) {
  return {
    specversion: '1.0',
    id: `0-${randomUUID()}`,
    source: `//playback-service/${pick(['eu-west-1', 'us-east-1'])}/pod-${
      i % 64
    }`,
    type: TYPE,
    subject: `playback-session/${randomUUID()}`,
    time: new Date(Date.now() - i).toISOString(),
    datacontenttype: 'application/json',
    dataschema: `http://localhost:7007/api/event-schemas/event-types/${TYPE}/versions/1`,
    traceparent: `00-${hex(16)}-${hex(8)}-01`,
    data: {
      user_id: `user:${randomUUID()}`,
      track_id: `spotify:track:${hex(11)}`,
      position_ms: i % 3 === 0 ? 0 : i * 997,
      source: pick(['album', 'playlist', 'radio', 'search']),
      email: `listener.${i}@example.com`,
      client_ip: `10.0.${i & 255}.1`,
    },
  };
}

const batches = Array.from({ length: BATCHES }, (_, b) =>
  Array.from({ length: EVENTS_PER_BATCH }, (_e, i) =>
    makeEvent(b * EVENTS_PER_BATCH + i),
  ),
);
const bodies = batches.map(batch => Buffer.from(JSON.stringify(batch)));

function ingestBatches(): number {
  let lines = 0;
  for (const body of bodies) {
    const { items } = parseCloudEvents({
      headers,
      body,
      limits: DEFAULT_BINDING_LIMITS,
    });
    const accepted = items.flatMap(item =>
      item.ok ? [{ index: item.index, eventType: TYPE, ...item.parsed }] : [],
    );
    lines += stampReceived(accepted, Date.now()).length;
  }
  return lines;
}

const texts = batches.flat().map(event => JSON.stringify(event));
const parsed = texts.map(text => JSON.parse(text));

/** µs per event of `run`, which returns how many events it handled. */
async function timeRound(
  run: () => number | Promise<number>,
  budgetMs: number,
): Promise<number> {
  let events = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs) events += await run();
  return ((performance.now() - started) * 1000) / events;
}

const acceptAll = {
  get: async () => ({
    eventType: { name: TYPE },
    version: 1,
    validate: () => ({ valid: true, errors: [] }),
  }),
} as unknown as EventTypeValidators;
const producer = {
  name: 'bench',
  refusals: async (events: readonly unknown[]) => events.map(() => undefined),
};
const parsedBatches = bodies.map(
  body =>
    parseCloudEvents({ headers, body, limits: DEFAULT_BINDING_LIMITS }).items,
);

async function checkBatches(): Promise<number> {
  let accepted = 0;
  for (const items of parsedBatches) {
    const checked = await checkAgainstRegistry({
      items,
      producer,
      validators: acceptAll,
    });
    accepted += checked.accepted.length;
  }
  return accepted;
}

const subjects: Record<string, () => number | Promise<number>> = {
  'binding+stamp': () => ingestBatches(),
  'JSON.stringify(event)': () => {
    for (const event of parsed) JSON.stringify(event);
    return parsed.length;
  },
  'checkAttributes(event)': () => {
    for (const event of parsed) checkAttributes(event);
    return parsed.length;
  },
  'checkAgainstRegistry, stand-in registry': checkBatches,
};

async function main() {
  for (const run of Object.values(subjects)) await run(); // warm up
  const rounds = 5;
  const samples = new Map(
    Object.keys(subjects).map(name => [name, [] as number[]]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(subjects)) {
      samples
        .get(name)!
        .push(await timeRound(run, (seconds * 1000) / rounds / 6));
    }
  }
  const summary = Object.fromEntries(
    [...samples].map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [
        name,
        {
          medianUs: Number(sorted[Math.floor(sorted.length / 2)].toFixed(3)),
          minUs: Number(sorted[0].toFixed(3)),
          maxUs: Number(sorted[sorted.length - 1].toFixed(3)),
        },
      ];
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'ingestPath',
      cores: os.cpus().length,
      node: process.version,
      loadAverage: os.loadavg().map(l => Number(l.toFixed(2))),
      eventBytes: Math.round(
        texts.reduce((n, t) => n + t.length, 0) / texts.length,
      ),
      perEvent: summary,
    }),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
