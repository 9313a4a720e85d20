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
//   const { ids } = await readRawEventIds(backend.storageDirectory);
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
const entryPoint = 'plugins/delivery-pipeline-backend/dev/pipelineBackend.ts';
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
  /** `deliveryPipeline.storage.directory`, where raw partitions are written. */
  storageDirectory;
  configFile;
  /** How many times the backend was started. */
  starts = 0;

  #config;
  #startTimeoutMs;
  #env;
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
  }) {
    if (!dataDir) throw new Error('startPipelineBackend needs a dataDir');
    this.dataDir = dataDir;
    this.token = token;
    this.#startTimeoutMs = startTimeoutMs;
    this.#env = env;
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
      },
    };
    const config = merge(generated, this.#config);
    // The backend runs in the repo root: relative paths are resolved there.
    this.storageDirectory = resolvePath(
      repoRoot,
      config.deliveryPipeline.storage.directory,
    );
    mkdirSync(this.dataDir, { recursive: true });
    // JSON is YAML: no YAML library needed.
    writeFileSync(this.configFile, `${JSON.stringify(config, null, 2)}\n`);
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

  async start() {
    if (this.running) throw new Error('The pipeline backend already runs');
    if (this.port === undefined) this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    if (this.starts === 0) this.#writeConfig();
    this.starts += 1;
    this.#keep(
      `\n===== start #${this.starts} at ${new Date().toISOString()} =====\n`,
    );
    const child = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        entryPoint,
        '--config',
        this.configFile,
      ],
      {
        cwd: repoRoot,
        // Own process group: kill() takes everything the backend started.
        detached: true,
        env: backendEnv(this.#env),
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
    await this.waitUntilHealthy();
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
  async waitUntilHealthy(timeoutMs = this.#startTimeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
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

  /** kill -9 of the process group; resolves once the process is gone. */
  async kill() {
    if (!this.#child) return;
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
 * The CloudEvent ids in every raw partition file under a storage folder
 * (`raw/<event type>/...part-*.ndjson.gz`), one entry per line: an id
 * written twice is listed twice. Files still being written (`*.tmp`) are
 * skipped; a file that does not decode or parse is an error naming it.
 */
export async function readRawEventIds(storageDirectory, { eventType } = {}) {
  const root = join(storageDirectory, 'raw', ...(eventType ? [eventType] : []));
  const files = [];
  const walk = async dir => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ndjson.gz')) files.push(full);
    }
  };
  await walk(root);

  const ids = [];
  for (const file of files.sort()) {
    let text;
    try {
      text = (await gunzip(await readFile(file))).toString('utf8');
    } catch (error) {
      if (error.code === 'ENOENT') continue; // deleted since listed
      throw new Error(`Cannot read raw partition file ${file}: ${error}`);
    }
    for (const [index, line] of text.split('\n').entries()) {
      if (line === '') continue;
      try {
        ids.push(JSON.parse(line).id);
      } catch (error) {
        throw new Error(
          `Line ${index + 1} of ${file} is not JSON (${
            error.message
          }): ${line.slice(0, 200)}`,
        );
      }
    }
  }
  return { files: files.length, ids };
}
