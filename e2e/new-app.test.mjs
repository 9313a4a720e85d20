// The suite in a Backstage app that is not ours: scripts/try-in-new-app.sh
// makes an app with @backstage/create-app, installs the packed packages and
// applies the READMEs' install steps; this test starts that app (its backend,
// serving its built frontend through the app backend, NODE_ENV=development
// as `yarn start` has it, on an in-memory SQLite database and a free port)
// and checks in headless Chromium that the Event types page renders, that
// the guest registers a type through the form, and that events sent with
// the producer token the README has adopters configure reach the type's
// Delivery tab, delivered by the pipeline's worker threads from the
// installed package's dist/.
//
// Run by scripts/try-in-new-app.sh (NEW_APP_DIR names the app); screenshots
// go to test-results/new-app/.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtWorkersStarted, checkBuiltWorkers } from './lib/builtWorkers.mjs';
import {
  launchChromium,
  replaceEditorText,
  signInAsGuest,
} from './lib/browser.mjs';
import {
  freePort,
  killProcessGroup,
  repoRoot,
} from './lib/pipelineBackend.mjs';

const appDir =
  process.env.NEW_APP_DIR ?? join(repoRoot, '.cache', 'try-in-new-app', 'app');
const screenshots = join(repoRoot, 'test-results', 'new-app');
// The backend compiles its TypeScript on start; minutes on a busy machine.
const startTimeoutMs = 6 * 60_000;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// The producer token, as the pipeline's README has adopters configure it:
// a static token from EVENTS_PRODUCER_TOKEN, granted com.example.* types.
const producerToken = randomBytes(24).toString('hex');
const eventType = `com.example.newapp.page-viewed`;
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['page', 'visitor'],
  properties: {
    page: { type: 'string', description: 'The page viewed' },
    visitor: { type: 'string', description: 'Who viewed it' },
  },
  additionalProperties: false,
};

let backend;
let backendLog = '';
let dataDir;
let browser;
let url;

async function answers(path, init) {
  try {
    const response = await fetch(`${url}${path}`, init);
    return response.ok;
  } catch {
    return false;
  }
}

const withToken = (init = {}) => ({
  ...init,
  headers: { Authorization: `Bearer ${producerToken}`, ...init.headers },
});

async function waitFor(what, check, timeoutMs = startTimeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null) {
      throw new Error(
        `The new app's backend exited with ${
          backend.exitCode
        } while waiting for ${what}:\n${backendLog.slice(-6000)}`,
      );
    }
    const result = await check();
    if (result) return result;
    await sleep(2000);
  }
  throw new Error(
    `No ${what} after ${timeoutMs / 1000} s:\n${backendLog.slice(-6000)}`,
  );
}

before(async () => {
  const port = await freePort();
  url = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'new-app-e2e-'));
  mkdirSync(screenshots, { recursive: true });
  // What this test changes in the app's config: the port, writable folders
  // and minute-wide partitions, so that a delivered partition shows within
  // a minute or two. The app's own app-config.yaml is as the READMEs left it.
  const config = join(dataDir, 'app-config.e2e.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      app: { baseUrl: url },
      backend: {
        baseUrl: url,
        listen: { port },
        cors: { origin: url },
      },
      deliveryPipeline: {
        transport: { directory: join(dataDir, 'transport') },
        storage: { directory: join(dataDir, 'storage') },
        personalData: {
          keyEncryptionKeyFile: join(dataDir, 'key-encryption-key.json'),
        },
        partitions: { width: { minutes: 1 }, grace: { seconds: 5 } },
        completionist: { frequency: { seconds: 5 } },
        deduper: { frequency: { seconds: 5 } },
      },
    }),
  );
  backend = spawn(
    'yarn',
    [
      'workspace',
      'backend',
      'start',
      '--config',
      join(appDir, 'app-config.yaml'),
      '--config',
      config,
    ],
    {
      cwd: appDir,
      detached: true,
      env: { ...process.env, EVENTS_PRODUCER_TOKEN: producerToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = chunk => {
    backendLog = (backendLog + chunk).slice(-400_000);
  };
  backend.stdout.on('data', keep);
  backend.stderr.on('data', keep);
  for (const plugin of ['event-schemas', 'delivery-pipeline']) {
    await waitFor(`${plugin} health`, () => answers(`/api/${plugin}/health`));
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (backend && backend.exitCode === null) {
    killProcessGroup(backend.pid, 'SIGTERM');
    await Promise.race([
      new Promise(resolve => backend.once('exit', resolve)),
      sleep(15_000),
    ]);
    killProcessGroup(backend.pid, 'SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  writeFileSync(join(screenshots, 'backend.log'), backendLog);
});

const shot = (page, file) =>
  page.screenshot({ path: join(screenshots, file), fullPage: true });

async function withPage(run) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1600 },
  });
  page.setDefaultTimeout(90_000);
  try {
    await run(page);
  } catch (error) {
    await shot(page, 'failure.png').catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
}

test('the app backend serves the built frontend of the new app', async () => {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<div id="root">/);
});

test('the pipeline worker threads start from the dist/ of the installed package', () => {
  const check = checkBuiltWorkers({
    cwd: appDir,
    pipelineDist:
      './node_modules/@data-collection/plugin-delivery-pipeline-backend/dist',
    scratch: dataDir,
    env: process.env,
  });
  assert.equal(check.status, 0, check.output);
  assert.deepEqual(check.result, builtWorkersStarted);
});

test('a guest opens Event types and registers a type through the form', async () => {
  // The guest is user:default/guest (README: auth.providers.guest), a member
  // of the new app's example group `guests` once the catalog has read it.
  await waitFor('user:default/guest in the catalog', () =>
    answers('/api/catalog/entities/by-name/user/default/guest', withToken()),
  );
  await withPage(async page => {
    await signInAsGuest(page, url);
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.waitForURL(`${url}/event-types`);
    await page.getByRole('heading', { name: 'Event types' }).first().waitFor();
    await shot(page, 'event-types.png');

    await page.getByRole('button', { name: 'Register event type' }).click();
    await page.waitForURL(`${url}/event-types/new`);
    await page.getByRole('textbox', { name: /^Name/ }).fill(eventType);
    await page.getByRole('textbox', { name: /^Title/ }).fill('Page viewed');
    await page.getByRole('textbox', { name: /^Owner/ }).fill('guests');
    await page
      .getByRole('option', { name: /guests/ })
      .first()
      .click();
    await replaceEditorText(page, JSON.stringify(schema, null, 2));
    await page.getByText('Valid JSON Schema: 2 fields').waitFor();
    await shot(page, 'register.png');
    await page.getByRole('button', { name: 'Register', exact: true }).click();

    await page.waitForURL(`${url}/event-types/${eventType}/overview`);
    await page.getByRole('heading', { name: eventType, level: 1 }).waitFor();
    await page.getByText('The page viewed').waitFor();
    await shot(page, 'overview.png');
  });
});

test("events sent with the producer token reach the type's Delivery tab", async () => {
  const send = async events => {
    const response = await fetch(
      `${url}/api/delivery-pipeline/events`,
      withToken({
        method: 'POST',
        headers: { 'Content-Type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(events),
      }),
    );
    assert.equal(response.status, 202, await response.clone().text());
    return response.json();
  };
  const event = (id, page) => ({
    specversion: '1.0',
    id,
    source: '//new-app/e2e',
    type: eventType,
    data: { page, visitor: 'v-1' },
  });
  assert.deepEqual(await send([event('e-1', '/home')]), {
    accepted: 1,
    rejected: [],
  });
  // A second request a few seconds later is a second claim of the consumer,
  // so the partition has two raw files (which the deduper hands to its
  // worker threads); it resends e-1, which delivery must drop.
  await sleep(3000);
  assert.deepEqual(await send([event('e-2', '/docs'), event('e-1', '/home')]), {
    accepted: 2,
    rejected: [],
  });

  const delivered = await waitFor(
    `delivered partitions of ${eventType} holding all 3 events`,
    async () => {
      const response = await fetch(
        `${url}/api/delivery-pipeline/partitions?eventType=${eventType}&state=delivered`,
        withToken(),
      );
      if (!response.ok) return undefined;
      const { items } = await response.json();
      const sum = key => items.reduce((n, p) => n + (p.counts?.[key] ?? 0), 0);
      return sum('received') === 3
        ? { delivered: sum('delivered'), duplicates: sum('duplicates') }
        : undefined;
    },
    4 * 60_000,
  );
  assert.deepEqual(delivered, { delivered: 2, duplicates: 1 });
  assert.match(
    backendLog,
    new RegExp(`Delivered ${eventType.replace(/\./g, '\\.')} `),
  );
  const rawFiles = readdirSync(join(dataDir, 'storage', 'raw', eventType), {
    recursive: true,
  }).filter(file => String(file).endsWith('.ndjson.gz'));
  console.log(`raw files of ${eventType}: ${rawFiles.length}`);

  await withPage(async page => {
    await signInAsGuest(page, url);
    await page.getByRole('link', { name: 'Event types' }).waitFor();
    await page.goto(`${url}/event-types/${eventType}/delivery?range=24h`);
    await page
      .getByText(/^[1-9]\d* delivered( \(\d+ empty\))?$/)
      .first()
      .waitFor();
    await page
      .getByRole('button', { name: /: (on time|late|open)/ })
      .first()
      .click();
    const partitions = page.getByRole('table', { name: /^Partitions of / });
    await partitions.getByText('delivered').first().waitFor();
    await shot(page, 'delivery.png');
  });
});
