// A real backend with the delivery pipeline, for the reliability tests and
// the ingest benchmark: plugins/delivery-pipeline-backend/dev/pipelineBackend.ts
// (registry + pipeline + permissions + events) started on a free port with a
// generated config, in its own process group so that it can be SIGKILLed
// and started again on the same data.
//
//   const backend = await startPipelineBackend({ dataDir, config: {...} });
//   await backend.waitForEventType('com.example.playback.started');
//   await backend.kill();     // kill -9 of the whole process group
//   await backend.restart();  // same config, port and data; resolves when healthy
//   // Armed with a failpoint (plugins/delivery-pipeline-node/src/failpoints.ts):
//   await backend.start({ failpoints: 'consumer.after-record=crash@5' });
//   await backend.waitForExit(); // it SIGKILLs itself there
//   const { ids } = await readRawEventIds(backend.storageDirectory);
//   const items = await backend.partitions({ eventType }); // GET /partitions
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';

const gunzip = promisify(gunzipCallback);

export const repoRoot = new URL('../..', import.meta.url).pathname;
const defaultEntryPoint =
  'plugins/delivery-pipeline-backend/dev/pipelineBackend.ts';
/** See shiftedClock.cjs. */
export const shiftedClockPreload = new URL(
  './shiftedClock.cjs',
  import.meta.url,
).pathname;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Objects are merged key by key; anything else in `extra` replaces. */
function merge(base, extra) {
  const isObject = value =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(base) || !isObject(extra)) return extra;
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    merged[key] = key in base ? merge(base[key], value) : value;
  }
  return merged;
}

// eslint-disable-next-line no-control-regex
const withoutColours = text => text.replace(/\x1b\[[0-9;]*m/g, '');

/** The environment of a backend: ours, without node:test's marker. */
function backendEnv(extra) {
  const env = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

// Backends still running when the test process exits (a crash, a missed
// clean-up) would keep their ports and files: take them along.
const liveChildren = new Set();
process.once('exit', () => {
  for (const child of liveChildren) killProcessGroup(child.pid);
});

/** SIGKILLs a process group; a group that is already gone is not an error. */
export function killProcessGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/**
 * Starts the pipeline backend and resolves once
 * `/api/delivery-pipeline/health` answers 200.
 *
 * Everything it keeps lives under `dataDir`: `sqlite/` (the default
 * metadata database), `transport/`, `storage/` and the generated
 * `app-config.yaml`. `config` is merged over the generated config (objects
 * key by key, arrays replaced): e.g. `backend.database` for PostgreSQL, or
 * any `deliveryPipeline` key.
 */
export async function startPipelineBackend(options) {
  const backend = new PipelineBackend(options);
  await backend.start();
  return backend;
}

export class PipelineBackend {
  /** Base URL of the backend, e.g. `http://127.0.0.1:40123`. */
  url;
  port;
  /** Static external-access token accepted by the backend. */
  token;
  dataDir;
  /**
   * Where the test reads partitions: `deliveryPipeline.storage.directory`,
   * or the folder a fake bucket mirrors its objects to.
   */
  storageDirectory;
  configFile;
  /** The config it runs with (written on the first start). */
  config;
  /** How many times the backend was started. */
  starts = 0;
  /**
   * True from the moment the current start was found healthy until it is
   * killed or stopped; a load balancer's health check would route to it.
   */
  ready = false;

  #config;
  #entryPoint;
  #storageDirectoryOverride;
  #startTimeoutMs;
  #env;
  #clockFile;
  #failpointsLog;
  #child;
  #exited;
  #log = '';
  #partialLines = { stdout: '', stderr: '' };

  constructor({
    dataDir,
    config = {},
    port,
    token = `pipeline-test-${randomBytes(12).toString('hex')}`,
    startTimeoutMs = 120_000,
    env = {},
    // Another backend, e.g. one with a storage module (then pass the folder
    // its objects can be read from as storageDirectory).
    entryPoint = defaultEntryPoint,
    storageDirectory,
    // A file holding a shift of the wall clock in ms (shiftedClock.cjs).
    clockFile,
    // Where armed failpoints that fire append their names.
    failpointsLog,
  }) {
    if (!dataDir) throw new Error('startPipelineBackend needs a dataDir');
    this.dataDir = dataDir;
    this.token = token;
    this.#startTimeoutMs = startTimeoutMs;
    this.#env = env;
    this.#clockFile = clockFile;
    this.#failpointsLog = failpointsLog;
    this.#entryPoint = entryPoint;
    this.#storageDirectoryOverride = storageDirectory;
    this.port = port;
    this.storageDirectory = join(dataDir, 'storage');
    this.configFile = join(dataDir, 'app-config.yaml');
    this.#config = config;
  }

  #writeConfig() {
    const generated = {
      backend: {
        baseUrl: this.url,
        listen: { port: this.port, host: '127.0.0.1' },
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(this.dataDir, 'sqlite') },
        },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: this.token, subject: 'pipeline-test-producer' },
            },
          ],
        },
      },
      permission: { enabled: true },
      eventSchemas: {
        demoData: { directories: [join(repoRoot, 'examples', 'event-types')] },
      },
      deliveryPipeline: {
        transport: {
          type: 'local',
          directory: join(this.dataDir, 'transport'),
        },
        storage: { directory: this.storageDirectory },
        // Replicas of one database must share it: pass the same file.
        personalData: {
          keyEncryptionKeyFile: join(this.dataDir, 'key-encryption-key.json'),
        },
        // A service produces only what it is granted: the test's token, all.
        ingest: {
          producers: [{ subject: 'pipeline-test-producer', eventTypes: ['*'] }],
        },
      },
    };
    const config = merge(generated, this.#config);
    this.config = config;
    // The backend runs in the repo root: relative paths are resolved there.
    this.storageDirectory =
      this.#storageDirectoryOverride ??
      resolvePath(repoRoot, config.deliveryPipeline.storage.directory);
    mkdirSync(this.dataDir, { recursive: true });
    // JSON is YAML: no YAML library needed.
    writeFileSync(this.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }

  /**
   * Merges `extra` into the config (as the constructor's `config` is) for
   * the starts that follow; call it while the backend is down.
   */
  updateConfig(extra) {
    if (this.running) throw new Error('Update the config of a stopped backend');
    this.#config = merge(this.#config, extra);
    if (this.starts > 0) this.#writeConfig();
  }

  /** True while the process (group leader) has not exited. */
  get running() {
    return (
      this.#child !== undefined &&
      this.#child.exitCode === null &&
      this.#child.signalCode === null
    );
  }

  get pid() {
    return this.#child?.pid;
  }

  /** The last `chars` characters of the output of every start so far. */
  logTail(chars = 4000) {
    return this.#log.slice(-chars);
  }

  /**
   * Starts it (again, on the same config, port and data). With
   * `failpoints` (a DELIVERY_PIPELINE_FAILPOINTS value) this start is
   * armed: it may SIGKILL itself at a failpoint before it is healthy, and
   * then `start` resolves rather than rejects (`ready` stays false).
   */
  async start({ failpoints } = {}) {
    if (this.running) throw new Error('The pipeline backend already runs');
    if (failpoints && !this.#failpointsLog) {
      throw new Error('Arming failpoints needs a failpointsLog');
    }
    if (this.port === undefined) this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    if (this.starts === 0) this.#writeConfig();
    this.ready = false;
    this.starts += 1;
    this.#keep(
      `\n===== start #${this.starts} at ${new Date().toISOString()}${
        failpoints ? ` armed ${failpoints}` : ''
      } =====\n`,
    );
    const env = {
      ...this.#env,
      ...(this.#clockFile
        ? { DELIVERY_PIPELINE_TEST_CLOCK_FILE: this.#clockFile }
        : {}),
      ...(this.#failpointsLog
        ? { DELIVERY_PIPELINE_FAILPOINTS_LOG: this.#failpointsLog }
        : {}),
      DELIVERY_PIPELINE_FAILPOINTS: failpoints ?? '',
    };
    const child = spawn(
      process.execPath,
      [
        ...(this.#clockFile ? ['--require', shiftedClockPreload] : []),
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        this.#entryPoint,
        '--config',
        this.configFile,
      ],
      {
        cwd: repoRoot,
        // Own process group: kill() takes everything the backend started.
        detached: true,
        env: backendEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    this.#exited = new Promise(resolve => child.once('exit', resolve));
    for (const stream of ['stdout', 'stderr']) {
      this.#partialLines[stream] = '';
      child[stream].on('data', chunk => this.#keepLines(stream, chunk));
    }
    child.once('exit', (code, signal) => {
      this.#keep(
        withoutColours(
          `${this.#partialLines.stdout}${this.#partialLines.stderr}`,
        ),
      );
      this.#keep(`\n===== exited: ${signal ?? `code ${code}`} =====\n`);
    });
    try {
      await this.waitUntilHealthy(this.#startTimeoutMs, {
        mayExit: Boolean(failpoints),
      });
    } catch (error) {
      // Not left running: nobody would kill it, and its pipes would keep
      // the test process alive.
      await this.kill();
      throw error;
    }
    this.ready = this.running;
  }

  /**
   * Whole lines, without colours and without the access log of successful
   * requests, which would push everything useful out of the tail.
   */
  #keepLines(stream, chunk) {
    const lines = (this.#partialLines[stream] + chunk).split('\n');
    this.#partialLines[stream] = lines.pop();
    for (const line of lines.map(withoutColours)) {
      if (!/type="incomingRequest".*status=[23]\d\d\b/.test(line)) {
        this.#keep(`${line}\n`);
      }
    }
  }

  #keep(text) {
    this.#log = (this.#log + text).slice(-200_000);
  }

  /** Resolves once the pipeline's health endpoint answers 200. */
  async waitUntilHealthy(timeoutMs = this.#startTimeoutMs, { mayExit } = {}) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running && mayExit) return;
      if (!this.running) {
        throw new Error(
          `The pipeline backend exited during start-up:\n${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(
          `${this.url}/api/delivery-pipeline/health`,
          { signal: AbortSignal.timeout(5000) },
        );
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
    throw new Error(
      `The pipeline backend was not healthy within ${
        timeoutMs / 1000
      } s:\n${this.logTail()}`,
    );
  }

  /**
   * Resolves once the registry knows an event type: its demo data is seeded
   * in the background on the first start.
   */
  async waitForEventType(name, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(
          `${this.url}/api/event-schemas/event-types/${encodeURIComponent(
            name,
          )}`,
          {
            headers: { Authorization: `Bearer ${this.token}` },
            signal: AbortSignal.timeout(5000),
          },
        );
        if (response.ok) return;
      } catch {
        // Restarting.
      }
      await sleep(250);
    }
    throw new Error(
      `The registry did not know ${name} within ${
        timeoutMs / 1000
      } s:\n${this.logTail()}`,
    );
  }

  /**
   * `GET /api/delivery-pipeline/partitions` with the backend's token: the
   * `items`. Throws (naming the status and body) unless it answers 200.
   */
  async partitions(query = {}) {
    const params = new URLSearchParams(
      Object.entries(query).filter(([, value]) => value !== undefined),
    );
    const response = await fetch(
      `${this.url}/api/delivery-pipeline/partitions?${params}`,
      {
        headers: { Authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(10_000),
      },
    );
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `GET /partitions?${params} answered ${response.status}: ${text.slice(
          0,
          500,
        )}`,
      );
    }
    return JSON.parse(text).items;
  }

  /**
   * Resolves with `{ code, signal }` once the process has exited by itself
   * (at an armed failpoint, say); rejects after `timeoutMs`.
   */
  async waitForExit(timeoutMs = 60_000) {
    const child = this.#child;
    if (!child) throw new Error('The pipeline backend was never started');
    let timer;
    const exited = await Promise.race([
      this.#exited.then(() => true),
      new Promise(resolve => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    // Not left pending: it would hold the test process open at its end.
    clearTimeout(timer);
    if (!exited) {
      throw new Error(
        `The pipeline backend did not exit within ${
          timeoutMs / 1000
        } s:\n${this.logTail()}`,
      );
    }
    this.ready = false;
    // The process group too: whatever it started goes with it.
    killProcessGroup(child.pid, 'SIGKILL');
    return { code: child.exitCode, signal: child.signalCode };
  }

  /** kill -9 of the process group; resolves once the process is gone. */
  async kill() {
    if (!this.#child) return;
    this.ready = false;
    killProcessGroup(this.#child.pid, 'SIGKILL');
    await this.#exited;
  }

  /** Starts it again on the same config, port and data. */
  async restart() {
    await this.kill();
    await this.start();
  }

  /** SIGTERM (a graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000) {
    this.ready = false;
    if (!this.running) return;
    killProcessGroup(this.#child.pid, 'SIGTERM');
    const timer = setTimeout(
      () => killProcessGroup(this.#child.pid, 'SIGKILL'),
      graceMs,
    );
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * The partition files of one kind (`raw` or `delivered`) under a storage
 * folder, sorted, as `{ path, folder, name }`: `folder` is the partition's
 * folder below `<kind>/<event type>/` (`2026-11-24/10` or, for partitions
 * narrower than an hour, `2026-11-24/10/05-30`), `name` the file name.
 */
export async function listPartitionFiles(
  storageDirectory,
  { kind, eventType } = {},
) {
  const root = join(storageDirectory, kind, ...(eventType ? [eventType] : []));
  const files = [];
  const walk = async (dir, relative) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full, relative ? `${relative}/${entry.name}` : entry.name);
      } else {
        files.push({ path: full, folder: relative, name: entry.name });
      }
    }
  };
  await walk(root, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Calls `onEvent(event, { file, folder, line })` for every line of a gzip
 * NDJSON file, parsed. A file deleted since it was listed is skipped
 * (returns false); one that does not decode or parse is an error naming it.
 */
export async function readNdjsonGz(file, onEvent, { folder } = {}) {
  let text;
  try {
    text = (await gunzip(await readFile(file))).toString('utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return false;
    throw new Error(`Cannot read partition file ${file}: ${error}`);
  }
  let start = 0;
  for (let line = 1; start < text.length; line += 1) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const json = text.slice(start, end);
    start = end + 1;
    if (json === '') continue;
    let event;
    try {
      event = JSON.parse(json);
    } catch (error) {
      throw new Error(
        `Line ${line} of ${file} is not JSON (${error.message}): ${json.slice(
          0,
          200,
        )}`,
      );
    }
    onEvent(event, { file, folder, line });
  }
  return true;
}

/**
 * Every event in the raw partitions of a type (all types without one),
 * one call of `onEvent(event, { file, folder, line })` per line: an event
 * written twice is seen twice. Files still being written (`*.tmp`) are
 * skipped. Resolves to the number of files read.
 */
export async function readRawEvents(storageDirectory, { eventType, onEvent }) {
  const files = (
    await listPartitionFiles(storageDirectory, { kind: 'raw', eventType })
  ).filter(file => file.name.endsWith('.ndjson.gz'));
  for (const file of files) {
    await readNdjsonGz(file.path, onEvent, file);
  }
  return files.length;
}

/**
 * The CloudEvent ids in every raw partition file under a storage folder
 * (`raw/<event type>/...part-*.ndjson.gz`), one entry per line: an id
 * written twice is listed twice. Files still being written (`*.tmp`) are
 * skipped; a file that does not decode or parse is an error naming it.
 */
export async function readRawEventIds(storageDirectory, { eventType } = {}) {
  const ids = [];
  const files = await readRawEvents(storageDirectory, {
    eventType,
    onEvent: event => ids.push(event.id),
  });
  return { files, ids };
}
