// Reliability: exactly-once delivery across crashes, duplicates and retries.
//
// A load generator (e2e/lib/load.mjs) sends numbered events to real pipeline
// backends the way a careful producer does: it retries a request until it is
// acknowledged (a connection reset by a SIGKILL, a response "lost" on
// purpose), and it resends some acknowledged events on purpose (same source,
// id and content). Meanwhile the backends are SIGKILLed. Afterwards:
// - raw partitions: every acknowledged event is there (at-least-once), and
//   nothing that was never sent;
// - delivered partitions, once every partition is `delivered`: every
//   acknowledged (source, id) exactly once, with the content sent, in the
//   partition of its receive time, and nothing that was never sent;
// - the completionist closed each partition once (closed_at never changes
//   once set), the deduper ran once per partition (delivery_attempts is 1,
//   except after a kill in the middle of its delivery) and no manifest was
//   written twice with other content.
// Cases: one backend on SQLite with the local transport, SIGKILLed at a
// random moment and then at five failpoints in turn, and at the end at
// retention's, with a raw retention of a second; two replicas on one
// PostgreSQL database (database transport, shared storage), both under
// load, one crashing at a failpoint and restarted, then the other SIGKILLed
// for good; the same with the Google Cloud module's Pub/Sub transport (on
// gRPC), Cloud Storage and BigQuery export, against fakes of their APIs in a
// process of their own, where BigQuery must also hold every acknowledged event once
// (here the replica that is restarted crashes at Pub/Sub's failpoint); and
// an hour-wide partition through BigQuery's whole-hour path, on a clock that
// jumps an hour ahead while the backend is down, crashing at the load job's
// insert and after the export.
//
// Failpoints (plugins/delivery-pipeline-node/src/failpoints.ts; the list is
// in the backend's README): a backend started with one armed SIGKILLs itself
// at that step; the case waits for it, checks the failpoint's log that it
// was that failpoint, and starts it again. Every failpoint in the source
// must have fired in some case: the last test checks it and prints
// `failpoints fired: <names>`.
//
// The events carry personal data (the demo search type: the data subject
// user_id and the personal query): raw and delivered partitions must hold
// them sealed only, and opened through the decrypt API they must be what
// was sent. Sealing is deterministic, so a resend stays a resend (no
// conflicts), across kills too.
//
// Partitions are 5 s wide with 2 s of grace (hour-wide in the hour case)
// and the tasks run every second, so delivery follows the load within
// seconds.
//
// Run by scripts/test.sh; alone: node --test e2e/pipeline-exactly-once.test.mjs
import { randomBytes } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connectPipelineDatabase,
  describeTasks,
  dropDatabases,
  testPostgres,
  readPostgresTasks,
  readSqlitePartitions,
  readSqliteExports,
  readSqliteTasks,
} from './lib/database.mjs';
import {
  describePartitions,
  listPartitionsFromAny,
  partitionFolderOf,
  partitionKey,
  partitionStartOfFolder,
  readDeliveredEvents,
  waitForDelivered,
  watchPartitions,
} from './lib/delivery.mjs';
import {
  gcpConfig,
  gcpEntryPoint,
  startFakeGcp,
  tableIdOf,
} from './lib/fakeGcp.mjs';
import { startLoad } from './lib/load.mjs';
import { openPersonalData, sealedValuesOf } from './lib/personalData.mjs';
import {
  listPartitionFiles,
  PipelineBackend,
  readRawEvents,
  repoRoot,
  startPipelineBackend,
} from './lib/pipelineBackend.mjs';

const eventType = 'com.example.search.performed';

const HOUR_MS = 3_600_000;
const widthMs = 5000;
/** The pipeline config both cases share (merged over e2e/lib's defaults). */
const pipelineConfig = transport => ({
  transport: { type: transport },
  partitions: { width: { seconds: 5 }, grace: { seconds: 2 } },
  // A completionist run the scheduler holds when its process is SIGKILLed
  // keeps the task locked until this timeout (and the scheduler's cleanup,
  // once a minute); a run takes milliseconds.
  completionist: { frequency: { seconds: 1 }, timeout: { seconds: 10 } },
  deduper: {
    frequency: { seconds: 1 },
    // The load resends events up to the whole run after they were first
    // sent: a lookback longer than the run must drop all of them.
    lookback: { minutes: 10 },
    // A partition whose deliverer was SIGKILLed is taken over after this.
    lease: { seconds: 5 },
  },
  // Drain fast, and offer a killed consumer's claim again soon.
  consumer: { pollInterval: { milliseconds: 100 }, lease: { seconds: 5 } },
});
const rawTimeoutMs = 60_000;
// A completionist run cut short by a SIGKILL keeps its task locked until its
// timeout has passed and the scheduler's janitor (every minute) has freed
// it, so closing may resume only a minute or more after the last restart.
const deliveryTimeoutMs = 120_000;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const randomBetween = (min, max) => min + Math.random() * (max - min);
const seconds = ms => `${(ms / 1000).toFixed(1)} s`;

/**
 * A clock file for shiftedClock.cjs (which says why shifting the wall
 * clock is enough), at real time: `shift(ms)` moves it.
 */
function shiftedClock(run) {
  const file = join(run.tempDir('pipeline-clock-'), 'shift-ms');
  const shift = ms => {
    writeFileSync(`${file}.tmp`, `${ms}\n`);
    renameSync(`${file}.tmp`, file);
  };
  shift(0);
  return { file, shift };
}

/** How long an armed backend has to reach its failpoint. */
const failpointTimeoutMs = 90_000;
/** Every failpoint that fired, in any case. */
const firedFailpoints = new Set();

/** How often each failpoint name is in a failpoints log. */
function firedCounts(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return countMap(text.split('\n').filter(Boolean));
}

function countMap(items) {
  const counts = new Map();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/**
 * The failpoints in the source: every `failpoint('<name>')` call in the
 * plugins' sources (tests aside), so a new one is covered or this fails.
 */
function failpointsInSource() {
  const names = new Set();
  const walk = dir => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(full);
      } else if (
        entry.name.endsWith('.ts') &&
        !/\.test\.ts$/.test(entry.name) &&
        entry.name !== 'failpoints.ts'
      ) {
        const text = readFileSync(full, 'utf8');
        for (const [, name] of text.matchAll(/\bfailpoint\('([^']+)'\)/g)) {
          names.add(name);
        }
      }
    }
  };
  for (const plugin of readdirSync(join(repoRoot, 'plugins'))) {
    const src = join(repoRoot, 'plugins', plugin, 'src');
    if (statSync(src, { throwIfNoEntry: false })?.isDirectory()) walk(src);
  }
  return [...names].sort();
}

const postgres = await testPostgres();
const pgUrl = postgres.url;

/**
 * The failpoints the SQLite case crashes at, one start each, in this
 * order, with the hit each fires on (counted from that start).
 */
const sqliteCrashes = [
  ['transport.after-publish', 30],
  ['consumer.after-raw-write', 5],
  ['consumer.after-record', 5],
  ['dedupe.mid-delivery', 1],
];

test('SQLite, local transport, one backend SIGKILLed once and crashed at 4 failpoints, then at retention: exactly-once delivery', async t => {
  const run = newRun(t, 'sqlite');
  const dataDir = run.tempDir('pipeline-sqlite-');
  const clock = shiftedClock(run);
  const backend = await startPipelineBackend({
    dataDir,
    startTimeoutMs: 60_000,
    failpointsLog: run.failpointsLog,
    clockFile: clock.file,
    config: {
      deliveryPipeline: {
        ...pipelineConfig('local'),
        // Resends reach the last start, an hour later on its clock: the
        // lookback must span that hour too.
        deduper: { ...pipelineConfig('local').deduper, lookback: { hours: 2 } },
        // After that hour, the windows without events it spanned are opened
        // only a minute back: 5-second partitions would otherwise be some
        // 700 per type, delivered empty ahead of the ones with events.
        completionist: {
          ...pipelineConfig('local').completionist,
          maxQuietBackfill: { minutes: 1 },
        },
      },
      // The search type's raw retention (the registry's default for a type
      // that sets none): an hour, which the last start is beyond.
      eventSchemas: { defaults: { retention: { raw: 'PT1H' } } },
    },
  });
  run.backends.push(backend);
  run.log(`backend up on ${backend.url} (pid ${backend.pid})`);
  await backend.waitForEventType(eventType);

  const sqliteDirectory = backend.config.backend.database.connection.directory;
  // The SQLite file is read only while the backend is down; while it runs,
  // the API tells the states and closedAt.
  const readSqlite = () => readSqlitePartitions(sqliteDirectory, eventType);
  const watcher = watchPartitions({
    read: () => listPartitionsFromAny([backend], { eventType }),
    storageDirectory: backend.storageDirectory,
    eventType,
  });
  run.watcher = watcher;
  const load = startLoad({ backends: [backend], eventType });
  run.load = load;

  await load.waitForAckFrom(backend);
  await sleep(randomBetween(2000, 4000));
  await run.kill(backend, `#1 of incarnation ${backend.starts}`, () =>
    watcher.atKill('#1', readSqlite),
  );
  // Each start armed with the next failpoint, until it crashes there.
  for (const [name, hit] of sqliteCrashes) {
    await run.crashAt(backend, name, {
      hit,
      after: () => watcher.atKill(name, readSqlite),
    });
  }
  // The last start comes back an hour and a minute later (the clock
  // moves while it is down), so the raw retention of an hour has passed
  // for every partition so far. Retention first runs a minute after a
  // start (its initial delay), when the raw partitions have been checked:
  // it deletes the raw files of the first delivered partition it finds
  // and crashes before recording that; the delivered events are all there
  // still. (That the next run records the deletion is RetentionTask.test's:
  // the crashed run holds the global task's lock until its 30-minute
  // timeout.)
  clock.shift(61 * 60_000);
  backend.updateConfig({
    deliveryPipeline: { retention: { frequency: { seconds: 1 } } },
  });
  const restartAt = Date.now();
  await backend.start({ failpoints: 'retention.after-delete=crash@1' });
  const lastStartAt = Date.now();
  run.log(
    `restarted as incarnation ${backend.starts} in ${seconds(
      lastStartAt - restartAt,
    )}, 61 minutes later, armed with retention.after-delete`,
  );
  let deliveryComplete = false;
  const retention = run
    .awaitCrash(
      backend,
      'retention.after-delete',
      'a minute after the last start',
      () => watcher.atKill('retention', readSqlite),
      2 * failpointTimeoutMs,
    )
    .then(async () => {
      const rows = readSqlite();
      if (!deliveryComplete) {
        await backend.start();
        run.log(`restarted as incarnation ${backend.starts} to deliver`);
      }
      return rows;
    });
  retention.catch(() => {}); // Awaited below; not unhandled meanwhile.
  await load.waitForAckFrom(backend);
  await sleep(1500);
  await run.stopLoad();
  assert.ok(backend.running, `the backend died:\n${backend.logTail()}`);

  const raw = await checkRaw(run, backend.storageDirectory);
  const items = await run.waitForDelivery(backend.storageDirectory, raw, () =>
    describeTasks(readSqliteTasks(sqliteDirectory)),
  );
  deliveryComplete = true;
  // The delivered events are opened through the backend's decrypt API:
  // while it runs, well before retention's first run, or else started
  // again once retention has crashed it.
  // (Retention's initial delay is a minute; checking takes seconds.)
  const checkNow = backend.running && Date.now() - lastStartAt < 40_000;
  if (checkNow) {
    await checkDelivered(run, backend, backend.storageDirectory, items);
  }
  await checkRawDeletedUnrecorded(run, backend, await retention);
  if (!checkNow) {
    if (!backend.running) {
      await backend.start();
      run.log(`restarted as incarnation ${backend.starts} after retention`);
    }
    await checkDelivered(run, backend, backend.storageDirectory, items);
  }

  // delivery_attempts is only in the database: read it with the backend down.
  await watcher.pollNow();
  await watcher.stop();
  await backend.kill();
  const rows = await watcher.pollNow(readSqlite);
  checkOnce(run, rows);
  run.report();
});

/**
 * What retention's failpoint left, read right after the crash: a delivered
 * partition whose raw files are gone while its row does not say so (the
 * moment between deleting and recording).
 */
async function checkRawDeletedUnrecorded(run, backend, rows) {
  const rawFolders = new Set(
    (
      await listPartitionFiles(backend.storageDirectory, {
        kind: 'raw',
        eventType,
      })
    )
      // A write SIGKILLed before its rename leaves a `*.tmp` file, which
      // storage does not list (nor retention delete).
      .filter(file => !file.name.endsWith('.tmp'))
      .map(file => file.folder),
  );
  const deletedUnrecorded = rows.filter(
    row =>
      row.state === 'delivered' &&
      row.received > 0 &&
      !row.rawDeletedAt &&
      !rawFolders.has(partitionFolderOf(Date.parse(row.start), run.widthMs)),
  );
  run.totals.rawDeletedUnrecorded = deletedUnrecorded.length;
  assert.equal(
    deletedUnrecorded.length,
    1,
    `retention crashed after deleting the raw files of one partition, before recording it: expected one delivered partition without raw files and without raw_deleted_at, found ${JSON.stringify(
      deletedUnrecorded.map(row => row.start),
    )}`,
  );
}

test(
  'PostgreSQL, database transport, two replicas, one crashed at a failpoint and restarted, the other SIGKILLed: exactly-once delivery',
  { skip: postgres.skip },
  async t => {
    const run = newRun(t, 'postgres');
    const storageDirectory = run.tempDir('pipeline-pg-storage-');
    await twoReplicasCase(run, {
      storageDirectory,
      // The other replica takes the partition over once the claim of the
      // crashed one expires, and writes the same manifest again.
      bFailpoint: ['dedupe.after-manifest', 2],
      replica: {
        config: {
          deliveryPipeline: {
            ...pipelineConfig('database'),
            storage: { directory: storageDirectory },
          },
        },
      },
    });
  },
);

test(
  'Google Cloud adapters (Pub/Sub on gRPC, Cloud Storage, BigQuery, served by fakes of their APIs), two replicas, one crashed at a failpoint and restarted, the other SIGKILLed: exactly-once delivery and load',
  { skip: postgres.skip },
  async t => {
    const run = newRun(t, 'gcp');
    const gcp = await startFakeGcp(run.tempDir('pipeline-fake-gcp-'));
    run.cleanups.push(() => gcp.stop());
    run.log(
      `fake Google Cloud up (pid ${gcp.pid}): ${JSON.stringify(gcp.endpoints)}`,
    );
    const datasetId = 'exactly_once';
    await twoReplicasCase(run, {
      storageDirectory: gcp.endpoints.mirrorDirectory,
      bFailpoint: ['pubsub.after-publish', 20],
      replica: {
        entryPoint: gcpEntryPoint,
        storageDirectory: gcp.endpoints.mirrorDirectory,
        // Application Default Credentials, from a key file whose token
        // endpoint is the fake.
        env: { GOOGLE_APPLICATION_CREDENTIALS: gcp.endpoints.credentialsFile },
        config: {
          deliveryPipeline: {
            ...pipelineConfig('database'),
            gcp: gcpConfig(gcp.endpoints, datasetId),
          },
        },
      },
      // Every acknowledged event is loaded into BigQuery once.
      afterDelivery: () =>
        checkLoaded(run, gcp, `${datasetId}.${tableIdOf(eventType)}`),
    });
  },
);

test('Google Cloud, an hour-wide partition loaded into its BigQuery hour partition (WRITE_TRUNCATE on table$YYYYMMDDHH), one backend SIGKILLed, then crashed at the load job and after the export, on a clock that jumps ahead while it is down: exactly-once delivery and load', async t => {
  const run = newRun(t, 'gcp-hours', { partitionWidthMs: HOUR_MS });
  // The clock of the backend and of the fake Google Cloud: it only moves
  // while the backend is down.
  const clock = shiftedClock(run);
  const shiftClock = clock.shift;
  const clockFile = clock.file;
  const gcp = await startFakeGcp(run.tempDir('pipeline-fake-gcp-'), {
    clockFile,
  });
  run.cleanups.push(() => gcp.stop());
  run.log(`fake Google Cloud up (pid ${gcp.pid}), on the shifted clock`);
  const datasetId = 'whole_hours';
  const base = pipelineConfig('database');
  const backend = await startPipelineBackend({
    dataDir: run.tempDir('pipeline-gcp-hours-'),
    startTimeoutMs: 60_000,
    entryPoint: gcpEntryPoint,
    storageDirectory: gcp.endpoints.mirrorDirectory,
    env: { GOOGLE_APPLICATION_CREDENTIALS: gcp.endpoints.credentialsFile },
    clockFile,
    failpointsLog: run.failpointsLog,
    config: {
      deliveryPipeline: {
        ...base,
        partitions: { width: { hours: 1 }, grace: { seconds: 2 } },
        // Resends arrive in the same hour, unless the real clock crosses
        // one during the load: then in the next.
        deduper: { ...base.deduper, lookback: { hours: 3 } },
        gcp: gcpConfig(gcp.endpoints, datasetId),
      },
    },
  });
  run.backends.push(backend);
  run.log(`backend up on ${backend.url} (pid ${backend.pid})`);
  await backend.waitForEventType(eventType);

  const sqliteDirectory = backend.config.backend.database.connection.directory;
  const readSqlite = () => readSqlitePartitions(sqliteDirectory, eventType);
  const watcher = watchPartitions({
    read: () => listPartitionsFromAny([backend], { eventType }),
    storageDirectory: backend.storageDirectory,
    eventType,
  });
  run.watcher = watcher;
  const load = startLoad({ backends: [backend], eventType });
  run.load = load;

  // The hour's load, then a SIGKILL while the consumer drains it.
  await load.waitForAckFrom(backend);
  await sleep(randomBetween(4000, 6000));
  await run.stopLoad();
  await run.kill(backend, '#1, with the hour still in the transport', () =>
    watcher.atKill('#1', readSqlite),
  );
  // An hour passes while it is down. Back, it closes the hour, delivers it
  // and loads it into the table's hour partition, and crashes right after
  // inserting the load job: the next start must find that job and wait for
  // it, not load the hour again.
  shiftClock(HOUR_MS);
  await run.crashAt(backend, 'bigquery.after-job-insert', {
    label: 'loading the hour',
    after: () => watcher.atKill('bigquery', readSqlite),
  });
  // The crashed process's claim on the export lasts 15 minutes (the
  // ExportRunner's lease): they pass too before it is back. It finds the
  // job done, and crashes again before recording the export.
  shiftClock(HOUR_MS + 20 * 60_000);
  await run.crashAt(backend, 'export.after-export', {
    label: 'of the hour, 20 minutes later',
    after: () => watcher.atKill('export', readSqlite),
  });
  // Another 20 minutes: the export is taken up a third time and recorded.
  shiftClock(HOUR_MS + 40 * 60_000);
  const restartAt = Date.now();
  await backend.start();
  run.log(
    `restarted as incarnation ${backend.starts} in ${seconds(
      Date.now() - restartAt,
    )}, another 20 minutes later`,
  );

  const raw = await checkRaw(run, backend.storageDirectory);
  const items = await run.waitForDelivery(backend.storageDirectory, raw, () =>
    describeTasks(readSqliteTasks(sqliteDirectory)),
  );
  await checkDelivered(run, backend, backend.storageDirectory, items);
  const table = `${datasetId}.${tableIdOf(eventType)}`;
  await checkLoaded(run, gcp, table);
  await checkWholeHourLoads(run, gcp, backend, items);

  await watcher.pollNow();
  await watcher.stop();
  await backend.kill();
  checkOnce(run, await watcher.pollNow(readSqlite));
  // The export the crash interrupted was taken up again and recorded. (An
  // hour without events the clock's jumps spanned is delivered empty, and
  // its export may still be due when the backend stops: not checked here.)
  const withEvents = new Set(
    items.filter(p => p.counts.received > 0).map(p => Date.parse(p.start)),
  );
  const exports = readSqliteExports(sqliteDirectory, eventType).filter(e =>
    withEvents.has(Date.parse(e.start)),
  );
  assert.deepEqual(
    exports.filter(e => !e.exportedAt),
    [],
    'exports never recorded as done',
  );
  assert.ok(exports.length > 0, 'no export was recorded');
  run.report();
});

/**
 * Every hour was loaded by the whole-hour path: a load job whose
 * destination is the table's partition decorator of that hour, with
 * WRITE_TRUNCATE. The jobs are those the backend logs as loaded, which
 * after the crash at the job's insert is the export's next attempt (the
 * rows were in the table already: the job ran).
 */
async function checkWholeHourLoads(run, gcp, backend, items) {
  const decoratorOf = start =>
    `${tableIdOf(eventType)}$${new Date(start)
      .toISOString()
      .slice(0, 13)
      .replace(/[-T]/g, '')}`;
  const expected = items
    .filter(p => Number(p.counts.delivered) > 0)
    .map(p => decoratorOf(p.start))
    .sort();
  const deadline = Date.now() + 60_000;
  let loads = [];
  for (;;) {
    const jobIds = new Set(
      [
        ...backend
          .logTail(Infinity)
          .matchAll(/Loaded .*? rows of .*? into \S+ \(job ([\w-]+)\)/g),
      ].map(match => match[1]),
    );
    loads = [];
    for (const jobId of jobIds) {
      const load = (await gcp.job(jobId)).configuration?.load ?? {};
      loads.push({
        jobId,
        tableId: load.destinationTable?.tableId,
        writeDisposition: load.writeDisposition,
      });
    }
    const loaded = new Set(loads.map(l => l.tableId));
    if (expected.every(d => loaded.has(d)) || Date.now() > deadline) break;
    await sleep(500);
  }
  run.totals.wholeHourLoads = loads.length;
  run.log(`BigQuery load jobs: ${JSON.stringify(loads)}`);
  assert.deepEqual(
    loads.filter(
      l => l.writeDisposition !== 'WRITE_TRUNCATE' || !l.tableId?.includes('$'),
    ),
    [],
    'load jobs that did not replace an hour partition (WRITE_TRUNCATE on table$YYYYMMDDHH)',
  );
  assert.deepEqual(
    [...new Set(loads.map(l => l.tableId))].sort(),
    expected,
    'the hour partitions loaded (as the backend logged) are not those of the delivered hours',
  );
}

/**
 * Two replicas on one PostgreSQL database, both under load: replica B
 * crashes at failpoint `bFailpoint` (`[name, hit]`, armed in its first
 * start) and is restarted, then replica A is SIGKILLed for good at a random
 * moment, so B must finish everything A was doing. `replica` holds the
 * replicas' startPipelineBackend options beyond the shared ones.
 */
async function twoReplicasCase(
  run,
  { storageDirectory, replica, afterDelivery, bFailpoint },
) {
  postgres.assertAvailable();
  // Backstage creates one database per plugin, named <prefix><pluginId>;
  // both replicas use the same prefix, so the same databases.
  const prefix = `crash_${randomBytes(4).toString('hex')}_`;
  run.cleanups.push(() => dropDatabases(pgUrl, prefix));
  const token = `pipeline-test-${randomBytes(12).toString('hex')}`;
  // One keychain in the shared database: one key-encryption key for both.
  const keyEncryptionKeyFile = join(
    run.tempDir(`pipeline-${run.name}-keys-`),
    'key-encryption-key.json',
  );
  const start = async (name, failpoints) => {
    const backend = new PipelineBackend({
      ...replica,
      dataDir: run.tempDir(`pipeline-${run.name}-${name}-`),
      startTimeoutMs: 60_000,
      token,
      failpointsLog: run.failpointsLog,
      config: {
        ...replica.config,
        backend: { database: { client: 'pg', connection: pgUrl, prefix } },
        deliveryPipeline: {
          ...replica.config.deliveryPipeline,
          personalData: { keyEncryptionKeyFile },
        },
      },
    });
    await backend.start({ failpoints });
    return backend;
  };
  // One after the other: the first seeds the registry's demo data.
  const a = await start('a');
  run.backends.push(a);
  run.log(`replica A up on ${a.url} (pid ${a.pid})`);
  await a.waitForEventType(eventType);
  const bArmed = `${bFailpoint[0]}=crash@${bFailpoint[1]}`;
  const b = await start('b', bArmed);
  run.backends.push(b);
  run.log(`replica B up on ${b.url} (pid ${b.pid}), armed with ${bArmed}`);
  await b.waitForEventType(eventType);

  const db = await connectPipelineDatabase(pgUrl, prefix);
  run.cleanups.unshift(() => db.close());
  const readDb = () => db.partitions(eventType);
  const watcher = watchPartitions({
    read: readDb,
    storageDirectory,
    eventType,
  });
  run.watcher = watcher;
  // Awaited from now, so that what B was doing is read right after it
  // crashes, whenever that is.
  const bCrashed = run.awaitCrash(b, bFailpoint[0], 'of replica B', () =>
    watcher.atKill('B', readDb),
  );
  bCrashed.catch(() => {}); // Awaited below; not unhandled meanwhile.
  const load = startLoad({ backends: [a, b], eventType });
  run.load = load;

  await load.waitForAckFrom(a);
  await load.waitForAckFrom(b);
  await bCrashed;
  await sleep(randomBetween(2000, 4000));
  const restartAt = Date.now();
  await b.start();
  run.log(`replica B restarted in ${seconds(Date.now() - restartAt)}`);
  await load.waitForAckFrom(b);
  await sleep(randomBetween(3000, 5000));
  // For good: replica B must finish everything replica A was doing.
  await run.kill(a, 'of replica A, not restarted', () =>
    watcher.atKill('A', readDb),
  );
  await sleep(randomBetween(3000, 4000));
  await run.stopLoad();
  assert.ok(b.running, `replica B died:\n${b.logTail()}`);

  const raw = await checkRaw(run, storageDirectory);
  const items = await run.waitForDelivery(storageDirectory, raw, async () =>
    describeTasks(await readPostgresTasks(pgUrl, prefix)),
  );
  await checkDelivered(run, b, storageDirectory, items);
  await afterDelivery?.();

  await watcher.pollNow();
  await watcher.stop();
  checkOnce(run, await readDb());
  run.report();
}

/**
 * What one case shares between its steps: its log, backends, load, watcher,
 * totals, and the clean-up of everything it made.
 */
function newRun(t, name, { partitionWidthMs = widthMs } = {}) {
  const started = Date.now();
  const run = {
    name,
    t,
    widthMs: partitionWidthMs,
    /** Where this case's failpoints log when they fire. */
    failpointsLog: undefined,
    backends: [],
    cleanups: [],
    dirs: [],
    killLog: [],
    totals: {},
    load: undefined,
    watcher: undefined,
    log(message) {
      console.log(`[${name} ${seconds(Date.now() - started)}] ${message}`);
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      run.dirs.push(dir);
      return dir;
    },
    /** SIGKILL, then `after()` (which reads what the process left). */
    async kill(backend, label, after) {
      const at = Date.now();
      await backend.kill();
      const rows = await after?.();
      run.killLog.push({
        at,
        label,
        backend: run.backends.indexOf(backend),
        incarnation: backend.starts,
      });
      run.log(
        `SIGKILL ${label}; ${run.load.acked.size} events acknowledged so far${
          rows
            ? `; partitions ${JSON.stringify(countBy(rows, row => row.state))}`
            : ''
        }`,
      );
    },
    /**
     * Starts `backend` (which is down) with failpoint `name` armed to fire
     * on its `hit`th hit, and waits until it has crashed there.
     */
    async crashAt(backend, name, { hit = 1, label = '', after } = {}) {
      const restartAt = Date.now();
      await backend.start({ failpoints: `${name}=crash@${hit}` });
      run.log(
        `started as incarnation ${backend.starts} in ${seconds(
          Date.now() - restartAt,
        )}, armed with ${name} (hit ${hit})${
          backend.ready ? '' : '; crashed before it was healthy'
        }`,
      );
      await run.awaitCrash(backend, name, label, after);
    },
    /**
     * Waits until `backend`, armed with failpoint `name`, has SIGKILLed
     * itself there: its exit, and one more line `name` in the log.
     */
    async awaitCrash(
      backend,
      name,
      label,
      after,
      timeoutMs = failpointTimeoutMs,
    ) {
      const before = firedCounts(run.failpointsLog).get(name) ?? 0;
      let exit;
      try {
        exit = await backend.waitForExit(timeoutMs);
      } catch (error) {
        assert.fail(
          `Failpoint ${name} did not fire within ${timeoutMs / 1000} s (case ${
            run.name
          }): ${error.message}`,
        );
      }
      const at = Date.now();
      const count = firedCounts(run.failpointsLog).get(name) ?? 0;
      assert.ok(
        exit.signal === 'SIGKILL' && count === before + 1,
        `The backend armed with ${name} exited (${
          exit.signal ?? `code ${exit.code}`
        }) without that failpoint firing (it fired ${
          count - before
        } times):\n${backend.logTail()}`,
      );
      firedFailpoints.add(name);
      const rows = await after?.();
      run.killLog.push({
        at,
        label: `at failpoint ${name}${label ? ` ${label}` : ''}`,
        backend: run.backends.indexOf(backend),
        incarnation: backend.starts,
      });
      run.totals.failpoints = [...(run.totals.failpoints ?? []), name];
      run.log(
        `crashed at failpoint ${name}${label ? ` ${label}` : ''}; ${
          run.load?.acked.size ?? 0
        } events acknowledged so far${
          rows
            ? `; partitions ${JSON.stringify(countBy(rows, row => row.state))}`
            : ''
        }`,
      );
    },
    async stopLoad() {
      const load = run.load;
      await load.stop();
      run.loadStoppedAt = Date.now();
      run.log(
        `load stopped: ${load.acked.size} events acknowledged, ${
          load.unacknowledged.size
        } given up; ${JSON.stringify(
          load.stats,
        )}; request outcomes ${JSON.stringify(load.outcomes)}`,
      );
      assert.deepEqual(
        load.problems.slice(0, 5),
        [],
        `${load.problems.length} requests were answered with a client error, or a 202 that did not accept every event`,
      );
      assert.equal(
        load.unacknowledged.size,
        0,
        `${
          load.unacknowledged.size
        } events were never acknowledged although retried for a minute after the load stopped; request outcomes ${JSON.stringify(
          load.outcomes,
        )}`,
      );
    },
    /** `tasks()` describes the scheduler's tasks, for a timeout. */
    async waitForDelivery(storageDirectory, raw, tasks) {
      const waitStarted = Date.now();
      const items = await waitForDelivered({
        backends: run.backends,
        eventType,
        folders: raw.folders,
        widthMs: run.widthMs,
        timeoutMs: deliveryTimeoutMs,
        diagnose: async () =>
          `The scheduler's tasks (a task a SIGKILLed process was running stays locked until its timeout):\n${await tasks()}`,
      });
      run.totals.partitions = items.length;
      run.totals.deliveredSecondsAfterLoad = Math.round(
        (Date.now() - run.loadStoppedAt) / 1000,
      );
      run.log(
        `all ${items.length} partitions delivered, ${seconds(
          Date.now() - waitStarted,
        )} after the raw partitions were complete; storage ${storageDirectory}`,
      );
      return items;
    },
    report() {
      run.totals.seconds = Math.round((Date.now() - started) / 1000);
      run.log(`totals ${JSON.stringify(run.totals)}`);
      t.diagnostic(`totals ${JSON.stringify(run.totals)}`);
    },
    describeAck(id) {
      const ack = run.load.acked.get(id);
      if (!ack) return `${id}: never acknowledged`;
      const next = run.killLog.find(kill => kill.at >= ack.ackedAt);
      const relative = next
        ? `${next.at - ack.ackedAt} ms before SIGKILL ${next.label}`
        : 'after the last SIGKILL';
      return `${id}: sent ${new Date(
        ack.sentAt,
      ).toISOString()}, acknowledged ${new Date(
        ack.ackedAt,
      ).toISOString()} by backend ${ack.backend} incarnation ${
        ack.incarnation
      } on attempt ${ack.attempts}, ${relative}`;
    },
  };
  run.failpointsLog = join(run.tempDir('pipeline-failpoints-'), 'fired.log');
  t.after(async () => {
    await run.load?.stop();
    await run.watcher?.stop();
    for (const backend of run.backends) await backend.kill();
    for (const cleanup of run.cleanups) await cleanup();
    for (const dir of run.dirs) rmSync(dir, { recursive: true, force: true });
  });
  return run;
}

const keyOf = event => `${event.source} ${event.id}`;

/**
 * The warehouse: every acknowledged (source, id) is a row of the BigQuery
 * table once, and nothing else is. Loads follow delivery within seconds.
 */
async function checkLoaded(run, gcp, table) {
  const { load } = run;
  const expected = new Set(
    [...load.acked.keys()].map(id => keyOf(load.expectedEvent(id))),
  );
  const deadline = Date.now() + 60_000;
  let rows;
  let keys;
  for (;;) {
    rows = await gcp.rows(table);
    keys = new Set(rows.map(keyOf));
    const complete = [...expected].every(key => keys.has(key));
    if (complete || Date.now() > deadline) break;
    await sleep(500);
  }
  run.totals.bigQueryRows = rows.length;
  run.log(`BigQuery: ${rows.length} rows in ${table}`);
  const missing = [...expected].filter(key => !keys.has(key));
  const strangers = [...keys].filter(key => !expected.has(key));
  assert.deepEqual(
    missing.slice(0, 10),
    [],
    `${missing.length} acknowledged events are not in BigQuery 60 s after their delivery`,
  );
  assert.deepEqual(
    strangers.slice(0, 10),
    [],
    'rows of events never acknowledged',
  );
  assert.equal(
    rows.length,
    keys.size,
    `${
      rows.length - keys.size
    } events were loaded into BigQuery more than once`,
  );
}

/**
 * At-least-once: every acknowledged event reaches the raw partitions (the
 * consumer drains the transport), and nothing never sent is there.
 * Resolves to the raw partitions' folders.
 */
async function checkRaw(run, storageDirectory) {
  const { load } = run;
  const deadline = Date.now() + rawTimeoutMs;
  let found;
  let lines;
  let files;
  let folders;
  let missing;
  let unsealed;
  for (;;) {
    found = new Set();
    folders = new Set();
    lines = 0;
    unsealed = [];
    files = await readRawEvents(storageDirectory, {
      eventType,
      onEvent: (event, { folder }) => {
        found.add(event.id);
        folders.add(folder);
        lines += 1;
        const { sealed, pseudonyms } = sealedValuesOf([event]);
        if (sealed !== 1 || pseudonyms !== 1) unsealed.push(event);
      },
    });
    missing = [...load.acked.keys()].filter(id => !found.has(id));
    if (missing.length === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  const strangers = [...found].filter(id => !load.wasSent(id));
  Object.assign(run.totals, {
    acknowledged: load.acked.size,
    requests: load.stats.requests,
    retries: load.stats.retries,
    lostResponses: load.stats.lostResponses,
    deliberateResends: load.stats.deliberateResends,
    rawFiles: files,
    rawLines: lines,
    rawDistinct: found.size,
    rawCopies: lines - found.size,
    kills: run.killLog.length,
  });
  run.log(
    `raw partitions: ${lines} lines, ${found.size} distinct ids in ${files} files`,
  );
  assert.deepEqual(
    strangers.slice(0, 10),
    [],
    `${strangers.length} ids in the raw partitions were never sent`,
  );
  assert.deepEqual(
    unsealed.slice(0, 3),
    [],
    `${unsealed.length} raw events do not hold their personal data sealed (a pseudonym and one sealed value)`,
  );
  if (missing.length > 0) {
    assert.fail(
      `${missing.length} of ${
        load.acked.size
      } acknowledged events are not in the raw partitions ${
        rawTimeoutMs / 1000
      } s after the load stopped (case ${run.name}).\n` +
        `By backend/incarnation: ${JSON.stringify(
          countBy(missing, id => {
            const ack = load.acked.get(id);
            return `${ack.backend}/${ack.incarnation}`;
          }),
        )}\n` +
        `Examples:\n${missing
          .slice(0, 10)
          .map(id => `  ${run.describeAck(id)}`)
          .join('\n')}\n` +
        `Kills: ${describeKills(run)}\n` +
        logTails(run),
    );
  }
  return { folders: [...folders].sort() };
}

/**
 * Exactly-once: the delivered partitions hold every acknowledged
 * (source, id) once, as it was sent, in the partition of its receive time,
 * and nothing else; each partition's counters match its files.
 */
async function checkDelivered(run, backend, storageDirectory, items) {
  const { load } = run;
  const seen = new Map(); // key -> [where]
  const contentMismatches = [];
  const misplaced = [];
  const strangers = [];
  const firstCopies = [];
  const { folders, lines } = await readDeliveredEvents(storageDirectory, {
    eventType,
    onEvent: (event, { folder, file, line }) => {
      const key = keyOf(event);
      const where = `${folder}/${file.split('/').pop()}:${line}`;
      const places = seen.get(key);
      if (places) {
        places.push(where);
        return;
      }
      seen.set(key, [where]);
      firstCopies.push({ event, folder, where });
    },
  });
  // Personal data is sealed in the files: open it as an allowed job would.
  const { failed } = await openPersonalData({
    backend,
    eventType,
    events: firstCopies.map(copy => copy.event),
  });
  assert.deepEqual(
    failed.slice(0, 5),
    [],
    `${failed.length} sealed values of delivered events did not open`,
  );
  for (const { event, folder, where } of firstCopies) {
    const key = keyOf(event);
    const { receivedAt, ...sent } = event;
    const expected = load.expectedEvent(event.id);
    if (!expected || keyOf(expected) !== key) {
      strangers.push(`${key} at ${where}`);
      continue;
    }
    if (!isDeepStrictEqual(sent, expected)) {
      contentMismatches.push(
        `${where}: delivered ${JSON.stringify(sent)}\n    sent ${JSON.stringify(
          expected,
        )}`,
      );
    }
    const start = partitionStartOfFolder(folder);
    const received = Date.parse(receivedAt);
    if (!(received >= start && received < start + run.widthMs)) {
      misplaced.push(`${where}: receivedAt ${receivedAt}`);
    }
  }
  const duplicated = [...seen].filter(([, places]) => places.length > 1);
  const missing = [...load.acked.keys()].filter(
    id => !seen.has(keyOf(load.expectedEvent(id))),
  );

  const byFolder = new Map(
    items.map(p => [partitionFolderOf(p.start, run.widthMs), p]),
  );
  const leftovers = [...folders.values()].reduce(
    (total, folder) =>
      total + folder.others.filter(name => name.endsWith('.tmp')).length,
    0,
  );
  const sum = key =>
    items.reduce((total, p) => total + (Number(p.counts[key]) || 0), 0);
  Object.assign(run.totals, {
    deliveredFolders: folders.size,
    deliveredLines: lines,
    deliveredDistinct: seen.size,
    deliveredTmpLeftovers: leftovers,
    countsReceived: sum('received'),
    countsDelivered: sum('delivered'),
    countsDuplicates: sum('duplicates'),
    countsConflicts: sum('conflicts'),
  });
  run.log(
    `delivered partitions: ${lines} lines, ${seen.size} distinct in ${folders.size} folders`,
  );

  const failures = [];
  if (duplicated.length > 0) {
    failures.push(
      `${
        duplicated.length
      } (source, id) are delivered more than once, e.g.:\n${duplicated
        .slice(0, 10)
        .map(
          ([key, places]) =>
            `  ${key} at ${places.join(', ')}; ${run.describeAck(
              key.split(' ')[1],
            )}`,
        )
        .join('\n')}`,
    );
  }
  if (missing.length > 0) {
    const rawPlaces = await findInRaw(storageDirectory, missing.slice(0, 10));
    failures.push(
      `${missing.length} of ${
        load.acked.size
      } acknowledged events are not in the delivered partitions, e.g.:\n${missing
        .slice(0, 10)
        .map(id => {
          const places = (rawPlaces.get(id) ?? []).map(({ folder, file }) => {
            const p = byFolder.get(folder);
            return `raw ${folder}/${file.split('/').pop()} (written ${statSync(
              file,
              { throwIfNoEntry: false },
            )?.mtime.toISOString()}; partition ${
              p
                ? `${p.state}, closedAt ${p.closedAt}, deliveredAt ${p.deliveredAt}`
                : 'unknown to the API'
            })`;
          });
          return `  ${run.describeAck(id)}; in ${
            places.join(', ') || 'no raw file'
          }`;
        })
        .join('\n')}\n  By backend/incarnation: ${JSON.stringify(
        countBy(missing, id => {
          const ack = load.acked.get(id);
          return `${ack.backend}/${ack.incarnation}`;
        }),
      )}`,
    );
  }
  if (strangers.length > 0) {
    failures.push(
      `${
        strangers.length
      } delivered events were never sent, e.g.:\n  ${strangers
        .slice(0, 10)
        .join('\n  ')}`,
    );
  }
  if (contentMismatches.length > 0) {
    failures.push(
      `${
        contentMismatches.length
      } delivered events differ from what was sent (receivedAt aside), e.g.:\n  ${contentMismatches
        .slice(0, 5)
        .join('\n  ')}`,
    );
  }
  if (misplaced.length > 0) {
    failures.push(
      `${
        misplaced.length
      } delivered events are in a partition their receivedAt is not in, e.g.:\n  ${misplaced
        .slice(0, 10)
        .join('\n  ')}`,
    );
  }

  // Each partition: a manifest, counters that match its files.
  const partitionProblems = [];
  for (const p of items) {
    const folder = partitionFolderOf(p.start, run.widthMs);
    const files = folders.get(folder);
    const delivered = files?.lines ?? 0;
    const problems = [];
    if (files && !files.manifestText) problems.push('no _manifest.json');
    if (files?.manifestError) {
      problems.push(`_manifest.json is not JSON: ${files.manifestError}`);
    }
    if (!files && Number(p.counts.delivered) > 0) {
      problems.push('no delivered folder');
    }
    if (Number(p.counts.delivered) !== delivered) {
      problems.push(
        `counts.delivered is ${p.counts.delivered}, its files hold ${delivered} events`,
      );
    }
    // Every line of the recorded raw files is delivered or dropped once
    // (resends of earlier partitions count where the resend is).
    const accounted =
      Number(p.counts.delivered) +
      Number(p.counts.duplicates) +
      Number(p.counts.conflicts);
    if (Number(p.counts.received) !== accounted) {
      problems.push(
        `counts.received is ${p.counts.received}, delivered + duplicates + conflicts ${accounted}`,
      );
    }
    if (Number(p.counts.conflicts) !== 0) {
      problems.push(
        `counts.conflicts is ${p.counts.conflicts}: every resend had the same content`,
      );
    }
    if (files?.manifest) {
      // What the manifest lists is what a reader takes: the part files.
      const listed = (files.manifest.files ?? []).map(file =>
        String(file.path).split('/').pop(),
      );
      const listedEvents = (files.manifest.files ?? []).reduce(
        (total, file) => total + Number(file.events),
        0,
      );
      if (!isDeepStrictEqual([...listed].sort(), [...files.parts].sort())) {
        problems.push(
          `_manifest.json lists ${JSON.stringify(
            listed,
          )}, the folder holds ${JSON.stringify(files.parts)}`,
        );
      }
      if (listedEvents !== delivered) {
        problems.push(
          `_manifest.json counts ${listedEvents} events, its files hold ${delivered}`,
        );
      }
    }
    // A write SIGKILLed before its rename leaves a `*.tmp` file: garbage
    // that readers skip, counted below. Anything else would be read.
    const strays = (files?.others ?? []).filter(name => !name.endsWith('.tmp'));
    if (strays.length) {
      problems.push(`stray files ${strays.join(', ')}`);
    }
    if (problems.length) {
      partitionProblems.push(
        `  ${folder} (${p.state}): ${problems.join('; ')}`,
      );
    }
  }
  for (const [folder, files] of folders) {
    // A quiet window delivered (empty) after the partitions were listed.
    const deliveredEmptySince =
      files.lines === 0 &&
      files.parts.length === 0 &&
      files.manifest?.counts?.received === 0;
    if (!byFolder.has(folder) && !deliveredEmptySince) {
      partitionProblems.push(
        `  ${folder}: a delivered folder with no partition in the API`,
      );
    }
  }
  if (partitionProblems.length > 0) {
    failures.push(
      `Delivered partitions that do not add up:\n${partitionProblems.join(
        '\n',
      )}\nPartitions:\n${describePartitions(items)}`,
    );
  }

  if (failures.length > 0) {
    assert.fail(
      `Delivered output of case ${
        run.name
      } is not exactly-once:\n\n${failures.join(
        '\n\n',
      )}\n\nKills: ${describeKills(run)}\n${logTails(run)}`,
    );
  }
}

/**
 * The completionist closed each partition once and the deduper ran once per
 * partition (from the database rows at the end and the watcher's polls).
 */
function checkOnce(run, rows) {
  const { watcher } = run;
  const failures = [];
  if (watcher.closedAtChanges.length > 0) {
    failures.push(
      `closed_at changed after it was set (the completionist closed a partition again):\n${watcher.closedAtChanges
        .slice(0, 10)
        .map(change => `  ${JSON.stringify(change)}`)
        .join('\n')}`,
    );
  }
  if (watcher.stateRegressions.length > 0) {
    failures.push(
      `partition states went back:\n${watcher.stateRegressions
        .slice(0, 10)
        .map(change => `  ${JSON.stringify(change)}`)
        .join('\n')}`,
    );
  }
  // delivery_attempts counts the deduper's starts on a partition: 1. Except
  // where a SIGKILL cut a delivery short: right after the kill the row says
  // closed with n >= 1 starts, none of which delivered it (each was on the
  // killed process, or is still running on the other replica), and one more
  // start must deliver it: that is recovery, not a second delivery. So the
  // bound is 1 + the highest n a kill found; more means two runs overlapped
  // or a run failed and was retried.
  const attempts = [];
  for (const row of rows) {
    // A quiet window (nothing received) opened since the others were
    // delivered: on its way, with nothing to lose.
    if (row.state !== 'delivered' && Number(row.received) === 0) continue;
    const killed = watcher.inDeliveryAtKills.get(partitionKey(row));
    const allowed = 1 + (killed?.attempts ?? 0);
    if (
      row.state !== 'delivered' ||
      row.deliveryAttempts < 1 ||
      row.deliveryAttempts > allowed
    ) {
      attempts.push(
        `  ${row.start} ${row.state}: delivery_attempts ${
          row.deliveryAttempts
        }, allowed ${allowed}${
          killed
            ? ` (closed with ${
                killed.attempts
              } undelivered start(s) at SIGKILL ${killed.labels.join(', ')})`
            : ''
        }; closed_at ${row.closedAt}, delivered_at ${row.deliveredAt}`,
      );
    }
  }
  if (attempts.length > 0) {
    failures.push(
      `The deduper started partitions more often than once per partition (plus once after each SIGKILL in the middle of one; a partition not delivered at all is listed too):\n${attempts.join(
        '\n',
      )}`,
    );
  }
  // A manifest is written last, once. Written again, it must be a restart
  // after a kill during that partition's delivery, with the same content
  // apart from timestamps.
  const manifestProblems = watcher.manifestChanges.filter(change => {
    const start = partitionStartOfFolder(change.folder);
    const key = partitionKey({ eventType, start });
    return !(
      watcher.inDeliveryAtKills.has(key) &&
      isDeepStrictEqual(
        withoutTimes(tryParse(change.before)),
        withoutTimes(tryParse(change.after)),
      )
    );
  });
  if (manifestProblems.length > 0) {
    failures.push(
      `_manifest.json was written again with other content:\n${manifestProblems
        .slice(0, 5)
        .map(
          change =>
            `  ${change.folder} at ${change.at}:\n    before ${change.before}\n    after  ${change.after}`,
        )
        .join('\n')}`,
    );
  }
  Object.assign(run.totals, {
    watcherPolls: watcher.polls,
    deliveryAttempts: countBy(rows, row => row.deliveryAttempts),
    inDeliveryAtKills: watcher.kills.map(
      kill => `${kill.label}: ${kill.inDelivery.length}`,
    ),
    manifestRewrites: watcher.manifestChanges.length,
  });
  if (watcher.readErrors.length) {
    run.log(
      `watcher read errors (${watcher.readErrors.length}), e.g. ${watcher.readErrors[0]}`,
    );
  }
  if (failures.length > 0) {
    assert.fail(
      `Case ${
        run.name
      }: a task ran more than once per partition:\n\n${failures.join(
        '\n\n',
      )}\n\nPartitions (database):\n${rows
        .map(
          row =>
            `  ${row.start} ${row.state} attempts=${row.deliveryAttempts} closed_at=${row.closedAt} delivered_at=${row.deliveredAt} received=${row.received} delivered=${row.delivered} duplicates=${row.duplicates}`,
        )
        .join('\n')}\nKills: ${describeKills(run)}\n${logTails(run)}`,
    );
  }
}

/** Where some ids are in the raw partitions: id -> [{ folder, file }]. */
async function findInRaw(storageDirectory, ids) {
  const wanted = new Set(ids);
  const places = new Map();
  await readRawEvents(storageDirectory, {
    eventType,
    onEvent: (event, { folder, file }) => {
      if (!wanted.has(event.id)) return;
      places.set(event.id, [...(places.get(event.id) ?? []), { folder, file }]);
    },
  });
  return places;
}

function describeKills(run) {
  return JSON.stringify(
    run.killLog.map(kill => ({ ...kill, at: new Date(kill.at).toISOString() })),
  );
}

function logTails(run) {
  return run.backends
    .map(
      (backend, index) =>
        `Backend ${index} log (tail):\n${backend.logTail(3000)}`,
    )
    .join('\n');
}

function tryParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A JSON value without members whose names end in At/Time (timestamps). */
function withoutTimes(value) {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/(At|Time|time)$/.test(key))
      .map(([key, member]) => [key, withoutTimes(member)]),
  );
}

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

// Last: every failpoint in the source fired in some case above.
test('every failpoint fired in some case', { skip: postgres.skip }, () => {
  const inSource = failpointsInSource();
  const fired = [...firedFailpoints].sort();
  console.log(`failpoints fired: ${fired.join(', ')}`);
  assert.ok(
    inSource.length >= 8,
    `only ${inSource.length} failpoints found in the source: ${inSource}`,
  );
  assert.deepEqual(
    inSource.filter(name => !firedFailpoints.has(name)),
    [],
    'failpoints that fired in no case',
  );
});
