// Reliability: a load generator sends numbered events while the pipeline
// backend is SIGKILLed and started again several times; afterwards every
// event that was acknowledged (2xx) must be in the raw partitions.
// Duplicates are allowed (at-least-once), losses are not. Runs on SQLite with
// the local transport, and on PostgreSQL with the database transport.
//
// Run by scripts/test.sh; alone: node --test e2e/pipeline-crash.test.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  readRawEventIds,
  startPipelineBackend,
} from './lib/pipelineBackend.mjs';

const eventType = 'com.example.playback.started';
const pgUrl =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const isCi = process.env.CI === 'true' || process.env.CI === '1';

const kills = 4;
const senders = 4;
const batchSize = 50;
// Every fifth request of a sender is one structured event instead of a batch.
const singleEvery = 5;
const drainTimeoutMs = 60_000;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const randomBetween = (min, max) => min + Math.random() * (max - min);

const pgProblem = await probePostgres(pgUrl);

test('SQLite, local transport: no acknowledged event is lost across SIGKILLs', async t => {
  await crashTest(t, { transport: 'local' });
});

test(
  'PostgreSQL, database transport: no acknowledged event is lost across SIGKILLs',
  {
    skip:
      pgProblem && !isCi
        ? `no PostgreSQL server at ${pgUrl} (${pgProblem}); set TEST_POSTGRES_URL to run it`
        : false,
  },
  async t => {
    if (pgProblem) {
      assert.fail(
        `CI needs a PostgreSQL server at ${pgUrl} (${pgProblem}): start it, or set TEST_POSTGRES_URL.`,
      );
    }
    // Backstage creates one database per plugin, named <prefix><pluginId>.
    const prefix = `crash_${randomBytes(4).toString('hex')}_`;
    await crashTest(t, {
      transport: 'database',
      database: { client: 'pg', connection: pgUrl, prefix },
      cleanup: () => dropDatabases(prefix),
    });
  },
);

async function crashTest(t, { transport, database, cleanup }) {
  const started = Date.now();
  const log = message =>
    console.log(
      `[${transport} ${((Date.now() - started) / 1000).toFixed(
        1,
      )} s] ${message}`,
    );
  const dataDir = mkdtempSync(join(tmpdir(), `pipeline-crash-${transport}-`));
  let backend;
  let load;
  t.after(async () => {
    await load?.stop();
    await backend?.kill();
    await cleanup?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  backend = await startPipelineBackend({
    dataDir,
    startTimeoutMs: 60_000,
    config: {
      ...(database && { backend: { database } }),
      deliveryPipeline: {
        transport: { type: transport },
        partitions: { width: { seconds: 5 } },
        // Drain fast, and offer a killed consumer's claim again soon.
        consumer: {
          pollInterval: { milliseconds: 100 },
          lease: { seconds: 5 },
        },
      },
    },
  });
  log(`backend up on ${backend.url} (pid ${backend.pid})`);
  await backend.waitForEventType(eventType);

  load = startLoad(backend);
  const killLog = [];
  try {
    for (let kill = 1; kill <= kills; kill += 1) {
      await load.waitForAckFrom(backend.starts, backend);
      await sleep(randomBetween(2000, 4000));
      const at = Date.now();
      await backend.kill();
      killLog.push({ at, incarnation: backend.starts });
      log(
        `SIGKILL #${kill} of incarnation ${backend.starts}; ${load.acked.size} events acknowledged so far`,
      );
      const restartAt = Date.now();
      await backend.start();
      log(
        `restarted as incarnation ${backend.starts} in ${(
          (Date.now() - restartAt) /
          1000
        ).toFixed(1)} s`,
      );
    }
    await load.waitForAckFrom(backend.starts, backend);
    await sleep(1500);
  } finally {
    await load.stop();
  }
  assert.deepEqual(
    load.problems,
    [],
    'a 202 answer should accept every event of the request',
  );
  assert.ok(backend.running, `the backend died:\n${backend.logTail()}`);
  log(
    `load stopped: ${
      load.acked.size
    } events acknowledged; request outcomes ${JSON.stringify(load.outcomes)}`,
  );

  // The consumer drains the transport into raw partitions.
  const deadline = Date.now() + drainTimeoutMs;
  let raw;
  let missing;
  for (;;) {
    raw = await readRawEventIds(backend.storageDirectory, { eventType });
    const found = new Set(raw.ids);
    missing = [...load.acked.keys()].filter(id => !found.has(id));
    if (missing.length === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  const found = new Set(raw.ids);
  const unacknowledgedFound = [...load.unacknowledged].filter(id =>
    found.has(id),
  ).length;
  const totals = {
    acknowledged: load.acked.size,
    acknowledgedSingleEvents: load.singlesAcked,
    sentNotAcknowledged: load.unacknowledged.size,
    rawFiles: raw.files,
    rawLines: raw.ids.length,
    distinctFound: found.size,
    duplicates: raw.ids.length - found.size,
    notAcknowledgedButFound: unacknowledgedFound,
    missing: missing.length,
    kills: killLog.length,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  log(`totals ${JSON.stringify(totals)}`);
  t.diagnostic(`totals ${JSON.stringify(totals)}`);

  const strangers = [...found].filter(
    id => !load.acked.has(id) && !load.unacknowledged.has(id),
  );
  assert.deepEqual(
    strangers.slice(0, 10),
    [],
    `${strangers.length} ids in the raw partitions were never sent`,
  );
  if (missing.length > 0) {
    assert.fail(
      `${missing.length} of ${
        load.acked.size
      } acknowledged events are not in the raw partitions ${
        drainTimeoutMs / 1000
      } s after the load stopped (transport ${transport}).\n` +
        `By incarnation: ${JSON.stringify(
          countBy(missing, id => load.acked.get(id).incarnation),
        )}\n` +
        `Examples:\n${missing
          .slice(0, 10)
          .map(id => `  ${describeAck(id, load.acked.get(id), killLog)}`)
          .join('\n')}\n` +
        `Kills: ${JSON.stringify(
          killLog.map(k => ({ ...k, at: new Date(k.at).toISOString() })),
        )}\n` +
        `Backend log (tail):\n${backend.logTail()}`,
    );
  }
}

/**
 * Several senders, each in a loop: a batch (or now and then one structured
 * event) of new ids, recorded as acknowledged when answered 202. A failed
 * request (the backend is dead, 5xx, ...) is not recorded; the sender pauses
 * and goes on with new ids.
 */
function startLoad(backend) {
  const acked = new Map();
  const unacknowledged = new Set();
  const outcomes = {};
  const problems = [];
  let singlesAcked = 0;
  let stopping = false;
  let lastAckedIncarnation = 0;

  const send = async (sender, events, single) => {
    const sentAt = Date.now();
    const incarnation = backend.starts;
    let outcome;
    try {
      const response = await fetch(
        `${backend.url}/api/delivery-pipeline/events`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${backend.token}`,
            'Content-Type': single
              ? 'application/cloudevents+json'
              : 'application/cloudevents-batch+json',
          },
          body: JSON.stringify(single ? events[0] : events),
          signal: AbortSignal.timeout(15_000),
        },
      );
      const text = await response.text();
      outcome = String(response.status);
      if (response.status === 202) {
        const body = JSON.parse(text);
        if (body.accepted !== events.length || body.rejected?.length) {
          problems.push({ sender, events: events.length, answer: body });
        }
        const ackedAt = Date.now();
        lastAckedIncarnation = Math.max(lastAckedIncarnation, incarnation);
        if (single) singlesAcked += 1;
        for (const event of events) {
          acked.set(event.id, { sentAt, ackedAt, incarnation });
        }
        return true;
      }
      if (!outcomes[outcome]) {
        console.log(
          `first answer with status ${outcome}: ${
            text.slice(0, 300) || '(empty body)'
          }`,
        );
      }
    } catch (error) {
      outcome = error.cause?.code ?? error.name;
    } finally {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    for (const event of events) unacknowledged.add(event.id);
    return false;
  };

  const run = async sender => {
    let n = 0;
    for (let request = 1; !stopping; request += 1) {
      const single = request % singleEvery === 0;
      const events = [];
      for (let i = single ? 1 : batchSize; i > 0; i -= 1, n += 1) {
        events.push({
          specversion: '1.0',
          type: eventType,
          source: `//crash-test/sender-${sender}`,
          id: `crash-${sender}-${n}`,
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          data: {
            user_id: `user-${n % 97}`,
            track_id: `track-${sender}-${n}`,
            position_ms: n,
          },
        });
      }
      if (!(await send(sender, events, single))) {
        await sleep(randomBetween(100, 250));
      }
    }
  };
  const running = Array.from({ length: senders }, (_, sender) => run(sender));

  return {
    acked,
    unacknowledged,
    outcomes,
    problems,
    get singlesAcked() {
      return singlesAcked;
    },
    /** Waits until a request sent to this incarnation was acknowledged. */
    async waitForAckFrom(incarnation, target, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (lastAckedIncarnation < incarnation) {
        if (Date.now() > deadline) {
          throw new Error(
            `No request was acknowledged by incarnation ${incarnation} within ${
              timeoutMs / 1000
            } s; outcomes ${JSON.stringify(outcomes)}:\n${target.logTail()}`,
          );
        }
        await sleep(100);
      }
    },
    async stop() {
      stopping = true;
      await Promise.all(running);
    },
  };
}

function describeAck(id, ack, killLog) {
  const next = killLog.find(kill => kill.at >= ack.ackedAt);
  const relative = next
    ? `${next.at - ack.ackedAt} ms before SIGKILL of incarnation ${
        next.incarnation
      }`
    : 'after the last SIGKILL';
  return `${id}: sent ${new Date(
    ack.sentAt,
  ).toISOString()}, acknowledged ${new Date(
    ack.ackedAt,
  ).toISOString()} by incarnation ${ack.incarnation}, ${relative}`;
}

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Why the PostgreSQL server cannot be used, or undefined when it can. */
async function probePostgres(url) {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropDatabases(prefix) {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
  } finally {
    await client.end();
  }
}
