// The collector deployed apart from the portal (packages/backend-collector,
// README "Production: the collector apart from the portal"): the portal's
// backend (packages/backend, every plugin) and two collector processes on
// one PostgreSQL server, fresh databases, the collectors configured by
// app-config.collector.yaml (the registry, permissions, events and
// notifications reached in the portal through discovery). Producers post
// to the collectors only, with retries (e2e/lib/load.mjs); one collector
// is SIGKILLed mid-load and not restarted. Then:
// - the kill landed while events that collector had acknowledged were not
//   delivered yet (read from the delivered partitions right after it);
// - every acknowledged event is in the delivered partitions exactly once,
//   with the content sent (personal data opened through the portal), and
//   nothing never sent is there;
// - the portal's read routes list the partitions the collectors wrote;
// - the portal restarts (SIGKILLed, started again) under load: the
//   surviving collector goes on acknowledging events with the event type as
//   last read (deliveryPipeline.registry.staleIfError);
// - the surviving collector exports the metric the autoscaler's manifest
//   names (deploy/kubernetes/collector-hpa.yaml), run as its image runs it
//   (instrumentation.js first);
// - the portal accepted every call of the collectors (no 401 or 403, the
//   events bus found).
//
// Run by scripts/test.sh; alone: node --test e2e/pipeline-collector.test.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { dropDatabases, testPostgres } from './lib/database.mjs';
import { readDeliveredEvents, waitForDelivered } from './lib/delivery.mjs';
import { startLoad } from './lib/load.mjs';
import { openPersonalData } from './lib/personalData.mjs';
import {
  freePort,
  PipelineBackend,
  readRawEvents,
  repoRoot,
} from './lib/pipelineBackend.mjs';

const eventType = 'com.example.search.performed';
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const keyOf = event => `${event.source} ${event.id}`;

const postgres = await testPostgres();
const pgUrl = postgres.url;

/** 5 s partitions and tasks every second, so delivery follows within seconds. */
const pipelineConfig = {
  transport: { type: 'database' },
  partitions: { width: { seconds: 5 }, grace: { seconds: 2 } },
  completionist: { frequency: { seconds: 1 }, timeout: { seconds: 10 } },
  deduper: {
    frequency: { seconds: 1 },
    lookback: { minutes: 10 },
    lease: { seconds: 5 },
  },
  consumer: { pollInterval: { milliseconds: 100 }, lease: { seconds: 5 } },
};

/** The collector's own config file, as deploy/kubernetes/ mounts it. */
const collectorConfig = parseYaml(
  readFileSync(join(repoRoot, 'app-config.collector.yaml'), 'utf8'),
);

test(
  'The portal backend and two collectors on one PostgreSQL, load on the collectors, one SIGKILLed mid-load, the portal restarted: collection goes on, exactly-once delivery',
  { skip: postgres.skip },
  async t => {
    postgres.assertAvailable();
    const started = Date.now();
    const log = message =>
      console.log(
        `[collector ${((Date.now() - started) / 1000).toFixed(
          1,
        )} s] ${message}`,
      );
    const dirs = [];
    const tempDir = prefix => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    };
    const backends = [];
    let load;
    // Fresh databases: Backstage names each plugin's <prefix><pluginId>.
    const prefix = `collector_${randomBytes(4).toString('hex')}_`;
    t.after(async () => {
      await load?.stop();
      for (const backend of backends) await backend.kill();
      await dropDatabases(pgUrl, prefix);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    const token = `pipeline-test-${randomBytes(12).toString('hex')}`;
    const storageDirectory = tempDir('collector-storage-');
    const shared = {
      backend: { database: { client: 'pg', connection: pgUrl, prefix } },
      deliveryPipeline: {
        ...pipelineConfig,
        storage: { directory: storageDirectory },
        // One keychain in the shared database: one key-encryption key.
        personalData: {
          keyEncryptionKeyFile: join(
            tempDir('collector-keys-'),
            'key-encryption-key.json',
          ),
        },
      },
    };
    // The portal's plugins (auth, notifications) need the app's address.
    const portalPort = await freePort();
    const portal = new PipelineBackend({
      entryPoint: 'packages/backend/src/index.ts',
      dataDir: tempDir('collector-portal-'),
      port: portalPort,
      token,
      config: { ...shared, app: { baseUrl: `http://127.0.0.1:${portalPort}` } },
    });
    backends.push(portal);
    await portal.start();
    log(`portal backend up on ${portal.url} (pid ${portal.pid})`);
    await portal.waitForEventType(eventType);

    const startCollector = async name => {
      const metricsPort = await freePort();
      const collector = new PipelineBackend({
        // With its metrics, as the image runs it.
        entryPoint: 'e2e/lib/collectorWithMetrics.cjs',
        dataDir: tempDir(`collector-${name}-`),
        token,
        startTimeoutMs: 60_000,
        env: {
          // app-config.collector.yaml names the portal by this variable.
          PORTAL_BACKEND_URL: portal.url,
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        },
        config: { ...collectorConfig, ...shared },
      });
      collector.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      backends.push(collector);
      await collector.start();
      log(`collector ${name} up on ${collector.url} (pid ${collector.pid})`);
      return collector;
    };
    const a = await startCollector('a');
    const b = await startCollector('b');
    // Nothing but the pipeline: the registry is the portal's.
    const notHere = await fetch(`${a.url}/api/event-schemas/event-types`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(notHere.status, 404, 'the collector serves the registry');

    load = startLoad({ backends: [a, b], eventType });
    await load.waitForAckFrom(a);
    await load.waitForAckFrom(b);
    // Mid-pipeline: once partitions are being delivered, so that the kill
    // finds events in every stage (transport, raw, closed, delivered).
    const deliveryStarted = Date.now() + 60_000;
    for (;;) {
      const listed = await portal.partitions({ eventType });
      if (listed.some(p => p.state === 'delivered' && p.counts.received > 0)) {
        break;
      }
      assert.ok(Date.now() < deliveryStarted, 'nothing delivered in 60 s');
      await sleep(250);
    }
    await sleep(Math.random() * 2000);

    // Collector A dies for good; B (and the portal's copy of the pipeline)
    // must finish everything A accepted.
    await a.kill();
    const killedAt = Date.now();
    const ackedByA = [...load.acked]
      .filter(([, ack]) => ack.backend === 0 && ack.ackedAt <= killedAt)
      .map(([id]) => id);
    const deliveredAtKill = new Set();
    await readDeliveredEvents(storageDirectory, {
      eventType,
      onEvent: event => deliveredAtKill.add(event.id),
    });
    const rawAtKill = new Set();
    await readRawEvents(storageDirectory, {
      eventType,
      onEvent: event => rawAtKill.add(event.id),
    });
    const inFlight = ackedByA.filter(id => !deliveredAtKill.has(id));
    const inTransport = ackedByA.filter(id => !rawAtKill.has(id));
    log(
      `SIGKILL collector A: it had acknowledged ${ackedByA.length} events: ${
        ackedByA.length - inFlight.length
      } delivered, ${inFlight.length} not yet (${
        inTransport.length
      } of them not even in a raw partition); ${
        load.acked.size
      } acknowledged in all`,
    );
    assert.ok(
      inFlight.length > 0 && inFlight.length < ackedByA.length,
      `The kill must land while some of the events collector A acknowledged are delivered and others are not (${inFlight.length} of ${ackedByA.length} undelivered): it would prove nothing`,
    );

    // What the autoscaler reads: the metric its manifest names, exported
    // by the collector that survived, under load.
    const hpaMetric = parseYaml(
      readFileSync(
        join(repoRoot, 'deploy/kubernetes/collector-hpa.yaml'),
        'utf8',
      ),
    ).spec.metrics.find(metric => metric.type === 'External').external.metric
      .name;
    const exported = await (await fetch(b.metricsUrl)).text();
    const sample = exported
      .split('\n')
      .find(line => new RegExp(`^${hpaMetric}[ {]`).test(line));
    log(`collector B exports ${sample}`);
    assert.match(
      sample ?? '',
      /^\S+(\{.*\})? \d+(\.\d+)?$/,
      `collector B does not export ${hpaMetric}; its pipeline metrics:\n${exported
        .split('\n')
        .filter(line => line.startsWith('delivery_pipeline'))
        .join('\n')}`,
    );

    // The portal restarts (SIGKILLed, started again): collection goes on.
    // Past the 5 s a collector keeps a type it looked up, the registry does
    // not answer; collector B goes on with the type as last read
    // (deliveryPipeline.registry.staleIfError) instead of answering 503.
    const logBeforeOutage = b.logTail(Infinity).length;
    await portal.kill();
    const portalDownAt = Date.now();
    await sleep(9000);
    const ackedDuringOutage = [...load.acked.values()].filter(
      ack => ack.backend === 1 && ack.ackedAt > portalDownAt + 6000,
    ).length;
    const outageLog = b.logTail(Infinity).slice(logBeforeOutage);
    await portal.start();
    log(
      `portal down ${((Date.now() - portalDownAt) / 1000).toFixed(
        1,
      )} s: collector B acknowledged ${ackedDuringOutage} events from 6 s after the kill until the portal was up again`,
    );
    assert.match(
      outageLog,
      /The schema registry cannot be reached; ingest goes on with event types as last read/,
      'the portal was down long enough for collector B to read the registry again and fail',
    );
    assert.ok(
      ackedDuringOutage > 0,
      `collector B stopped acknowledging while the portal was down:\n${outageLog.slice(
        -3000,
      )}`,
    );

    await sleep(3000 + Math.random() * 1000);
    await load.stop();
    log(
      `load stopped: ${load.acked.size} acknowledged, ${
        load.unacknowledged.size
      } given up; ${JSON.stringify(load.stats)}; outcomes ${JSON.stringify(
        load.outcomes,
      )}`,
    );
    assert.deepEqual(load.problems.slice(0, 5), []);
    assert.equal(load.unacknowledged.size, 0, 'events never acknowledged');
    assert.ok(b.running, `collector B died:\n${b.logTail()}`);

    // The portal's read routes serve the partitions the collectors wrote.
    const items = await waitForDelivered({
      backends: [portal],
      eventType,
      widthMs: 5000,
      timeoutMs: 120_000,
    });
    log(`all ${items.length} partitions delivered (as the portal lists them)`);

    const copies = new Map(); // (source, id) -> how many times delivered
    const firstCopies = [];
    await readDeliveredEvents(storageDirectory, {
      eventType,
      onEvent: event => {
        const key = keyOf(event);
        copies.set(key, (copies.get(key) ?? 0) + 1);
        if (copies.get(key) === 1) firstCopies.push(event);
      },
    });
    const { failed } = await openPersonalData({
      backend: portal,
      eventType,
      events: firstCopies,
    });
    assert.deepEqual(failed.slice(0, 5), [], 'sealed values that do not open');

    const expected = new Map(
      [...load.acked.keys()].map(id => {
        const event = load.expectedEvent(id);
        return [keyOf(event), event];
      }),
    );
    const missing = [...expected.keys()].filter(key => !copies.has(key));
    const duplicated = [...copies].filter(([, n]) => n > 1);
    const strangers = firstCopies.filter(
      event => !load.wasSent(event.id) || !expected.has(keyOf(event)),
    );
    const changed = firstCopies.filter(event => {
      const { receivedAt, ...sent } = event;
      const original = expected.get(keyOf(event));
      return original && !isDeepStrictEqual(sent, original);
    });
    const inFlightDelivered = inFlight.filter(id =>
      copies.has(keyOf(load.expectedEvent(id))),
    );
    log(
      `delivered: ${firstCopies.length} distinct events of ${expected.size} acknowledged; ${inFlightDelivered.length} of the ${inFlight.length} collector A held undelivered at its kill`,
    );
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} missing`);
    assert.deepEqual(
      duplicated.slice(0, 10),
      [],
      `${duplicated.length} delivered more than once`,
    );
    assert.deepEqual(
      strangers.slice(0, 10).map(keyOf),
      [],
      'events never acknowledged',
    );
    assert.deepEqual(
      changed.slice(0, 3),
      [],
      `${changed.length} events delivered with content other than sent`,
    );
    assert.equal(inFlightDelivered.length, inFlight.length);

    // The collectors reached the portal's plugins with tokens it accepted
    // (the registry, permissions, notifications and the events bus verify
    // the collectors' plugin tokens), and the events service found the bus.
    // (B's polls of the bus fail while the portal is down: only what it
    // logged before counts for the bus; 401 and 403 count throughout.)
    const bLog = b.logTail(Infinity);
    for (const [name, output] of [
      ['A', a.logTail(Infinity)],
      ['B', bLog.slice(0, logBeforeOutage)],
      [
        'B (during and after the portal restart)',
        bLog
          .slice(logBeforeOutage)
          .split('\n')
          .filter(line => !/Poll failed for subscription/.test(line))
          .join('\n'),
      ],
    ]) {
      const failures = output
        .split('\n')
        .filter(line =>
          /\b(401|403) (Unauthorized|Forbidden)\b|Poll failed for subscription|events backend not found/.test(
            line,
          ),
        );
      assert.deepEqual(
        failures.slice(0, 5),
        [],
        `collector ${name}'s calls to the portal failed`,
      );
    }
    t.diagnostic(
      `acknowledged ${expected.size}, undelivered at the kill ${
        inFlight.length
      } (not in raw ${inTransport.length}), delivered once ${
        firstCopies.length
      }, ${Math.round((Date.now() - started) / 1000)} s`,
    );
  },
);
