// The production start, as the README documents it: scripts/start-production.sh
// builds the backend (with its workspace plugins and the app), installs the
// production dependencies beside the build and runs it with NODE_ENV=production
// on app-config.yaml + app-config.production.yaml, here on a fresh set of
// PostgreSQL databases. A third config file only moves what a test must move
// (port, database prefix, writable folders); sign-in and tokens are the
// production file's.
//
// It shows that nobody signs in as guest (the guest routes do not exist), that
// the local static token is refused, that the process really is the built
// backend under NODE_ENV=production, that it answers its health checks and
// serves the built app, and that the pipeline's worker threads start from the
// built files.
//
//   node --test e2e/production.test.mjs
//   SKIP_BUILD=1 node --test e2e/production.test.mjs   # reuse the last build
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtWorkersStarted, checkBuiltWorkers } from './lib/builtWorkers.mjs';
import { dropDatabases, testPostgres } from './lib/database.mjs';
import {
  freePort,
  killProcessGroup,
  repoRoot,
} from './lib/pipelineBackend.mjs';

const productionDir =
  process.env.PRODUCTION_DIR ?? join(repoRoot, 'dist', 'production');
// A cold build and install (the app, better-sqlite3 compiled from source)
// takes about 5 minutes on 2 cores; a busy machine, more.
const startTimeoutMs = 20 * 60_000;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const postgres = await testPostgres();
const pgUrl = postgres.url;

test(
  'production start: built backend, NODE_ENV=production, no guest sign-in, no local token',
  {
    timeout: startTimeoutMs + 5 * 60_000,
    skip: postgres.skip,
  },
  async t => {
    postgres.assertAvailable();
    const dir = mkdtempSync(join(tmpdir(), 'production-e2e-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // Backstage creates a database per plugin, <prefix><pluginId>: a fresh
    // prefix is a fresh set of databases, dropped afterwards.
    const prefix = `prod_e2e_${randomBytes(4).toString('hex')}_`;
    t.after(() => dropDatabases(pgUrl, prefix));

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const testConfig = join(dir, 'app-config.test.yaml');
    writeFileSync(
      testConfig,
      JSON.stringify({
        app: { baseUrl: url },
        backend: {
          baseUrl: url,
          // A string, as in app-config.production.yaml: an object would
          // have to merge with it.
          listen: `:${port}`,
          database: { prefix },
        },
        deliveryPipeline: {
          storage: { directory: join(dir, 'partitions') },
          personalData: {
            keyEncryptionKeyFile: join(dir, 'key-encryption-key.json'),
          },
        },
      }),
    );

    const pg = new URL(pgUrl);
    const env = {
      ...process.env,
      POSTGRES_HOST: pg.hostname,
      POSTGRES_PORT: pg.port || '5432',
      POSTGRES_USER: decodeURIComponent(pg.username),
      POSTGRES_PASSWORD: decodeURIComponent(pg.password),
      PRODUCTION_DIR: productionDir,
    };
    // Whatever the test runner has: the script sets what production needs.
    delete env.NODE_ENV;
    delete env.NODE_TEST_CONTEXT;

    let log = '';
    const started = Date.now();
    const child = spawn(
      join(repoRoot, 'scripts', 'start-production.sh'),
      ['--config', testConfig],
      {
        cwd: repoRoot,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', chunk => (log += chunk));
    child.stderr.on('data', chunk => (log += chunk));
    const exited = new Promise(resolve => child.once('exit', resolve));
    t.after(async () => {
      killProcessGroup(child.pid, 'SIGTERM');
      const stopped = await Promise.race([exited, sleep(15_000)]);
      if (stopped === undefined) killProcessGroup(child.pid);
    });
    const tail = () => log.split('\n').slice(-40).join('\n');

    // Up when every plugin has started (readiness) and both suite plugins
    // answer their health checks.
    let exitCode;
    exited.then(code => (exitCode = code ?? 'a signal'));
    for (;;) {
      if (exitCode !== undefined) {
        assert.fail(`the production start exited with ${exitCode}:\n${tail()}`);
      }
      if (Date.now() - started > startTimeoutMs) {
        assert.fail(`not up after ${startTimeoutMs / 60_000} min:\n${tail()}`);
      }
      const answers = await Promise.all(
        [
          '/.backstage/health/v1/readiness',
          '/api/event-schemas/health',
          '/api/delivery-pipeline/health',
        ].map(path =>
          fetch(url + path)
            .then(response => response.status)
            .catch(() => 0),
        ),
      );
      if (answers.every(status => status === 200)) break;
      await sleep(1000);
    }
    t.diagnostic(
      `built, installed and started in ${Math.round(
        (Date.now() - started) / 1000,
      )} s`,
    );

    await t.test(
      'the process is the built backend, NODE_ENV=production',
      () => {
        // The script execs node: the spawned process is the backend itself.
        const environ = readFileSync(
          `/proc/${child.pid}/environ`,
          'utf8',
        ).split('\0');
        assert.ok(environ.includes('NODE_ENV=production'), environ.join(' '));
        const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split(
          '\0',
        );
        assert.equal(argv[1], 'packages/backend');
        const cwd = spawnSync('readlink', [`/proc/${child.pid}/cwd`], {
          encoding: 'utf8',
        }).stdout.trim();
        assert.equal(cwd, productionDir);
        // The build's package: compiled JavaScript, no sources.
        const pkg = JSON.parse(
          readFileSync(join(cwd, 'packages/backend/package.json'), 'utf8'),
        );
        assert.equal(pkg.main, './dist/index.cjs.js');
        assert.ok(existsSync(join(cwd, 'packages/backend/dist/index.cjs.js')));
        assert.ok(!existsSync(join(cwd, 'packages/backend/src')));
      },
    );

    await t.test('health checks answer', async () => {
      for (const path of [
        '/api/event-schemas/health',
        '/api/delivery-pipeline/health',
        '/.backstage/health/v1/readiness',
        '/.backstage/health/v1/liveness',
      ]) {
        const response = await fetch(url + path);
        assert.equal(response.status, 200, path);
      }
    });

    await t.test('the built app is served', async () => {
      const response = await fetch(`${url}/catalog`);
      assert.equal(response.status, 200);
      const html = await response.text();
      assert.match(html, /<script[^>]+src="[^"]*\/static\/[^"]+\.js"/);
    });

    await t.test('guest sign-in is refused', async () => {
      for (const [method, path] of [
        ['POST', '/api/auth/guest/refresh'],
        ['GET', '/api/auth/guest/refresh'],
        ['POST', '/api/auth/guest/start'],
        ['GET', '/api/auth/guest/start'],
      ]) {
        const response = await fetch(url + path, {
          method,
          headers: { 'X-Requested-With': 'XMLHttpRequest' },
        });
        const body = await response.text();
        assert.equal(response.status, 404, `${method} ${path}: ${body}`);
        assert.match(body, /Unknown auth provider 'guest'/);
        assert.doesNotMatch(body, /backstageIdentity|"token"/);
      }
    });

    await t.test('the local static token is refused', async () => {
      for (const path of [
        '/api/event-schemas/event-types',
        '/api/delivery-pipeline/partitions',
      ]) {
        for (const token of [
          'dev-token-local-only',
          'playback-token-local-only',
        ]) {
          const response = await fetch(url + path, {
            headers: { Authorization: `Bearer ${token}` },
          });
          assert.equal(response.status, 401, `${path} with ${token}`);
        }
        const anonymous = await fetch(url + path);
        assert.equal(anonymous.status, 401, `${path} without a token`);
      }
    });

    await t.test('the worker threads start from the built files', () => {
      // With the production config's `database` transport the local
      // transport's worker does not run; the deduper starts its workers for
      // partitions with more than one raw file. Both are started here, from
      // the build, as the backend would.
      const check = checkBuiltWorkers({
        cwd: productionDir,
        pipelineDist: './plugins/delivery-pipeline-backend/dist',
        scratch: dir,
        env: { ...env, NODE_ENV: 'production' },
      });
      assert.equal(check.status, 0, check.output);
      assert.deepEqual(check.result, builtWorkersStarted);
    });
  },
);
