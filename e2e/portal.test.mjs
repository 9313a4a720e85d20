// End-to-end: starts the portal the way the README does (`yarn start`, on a
// throw-away SQLite folder), signs in as guest in headless Chromium, opens
// "Event types" from the sidebar and saves screenshots to test-results/e2e/.
//
// Run by scripts/test.sh; alone: node --test e2e/portal.test.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const repoRoot = new URL('..', import.meta.url).pathname;
const appUrl = 'http://localhost:3000';
const backendUrl = 'http://localhost:7007';
const screenshots = join(repoRoot, 'test-results', 'e2e');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The first start compiles the whole frontend: minutes on a cold 2-core box.
const startTimeoutMs = 10 * 60_000;

let portal;
let portalLog = '';
let dataDir;
let browser;

async function isUp(url) {
  try {
    const response = await fetch(url);
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntilUp(url) {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (portal.exitCode !== null) {
      throw new Error(
        `yarn start exited with ${portal.exitCode}:\n${portalLog.slice(-4000)}`,
      );
    }
    if (await isUp(url)) return;
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  throw new Error(
    `${url} did not answer within ${
      startTimeoutMs / 1000
    } s:\n${portalLog.slice(-4000)}`,
  );
}

before(async () => {
  for (const url of [appUrl, `${backendUrl}/api/event-schemas/health`]) {
    if (await isUp(url)) {
      throw new Error(
        `Something already answers at ${url}: stop the running portal, then rerun.`,
      );
    }
  }
  dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  mkdirSync(screenshots, { recursive: true });
  portal = spawn('yarn', ['start'], {
    cwd: repoRoot,
    // Own process group, so that after() stops the backend and the frontend
    // dev server together.
    detached: true,
    env: {
      ...process.env,
      BROWSER: 'none',
      APP_CONFIG_backend_database_connection_directory: join(dataDir, 'sqlite'),
      APP_CONFIG_deliveryPipeline_transport_directory: join(
        dataDir,
        'transport',
      ),
      APP_CONFIG_deliveryPipeline_storage_directory: join(dataDir, 'storage'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = chunk => {
    portalLog = (portalLog + chunk).slice(-100_000);
  };
  portal.stdout.on('data', keep);
  portal.stderr.on('data', keep);
  await waitUntilUp(`${backendUrl}/api/event-schemas/health`);
  await waitUntilUp(appUrl);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    // Launched with a fresh profile; these flags keep Chromium off the
    // network it cannot reach here (see ../shared/ENVIRONMENT.md).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (portal && portal.exitCode === null) {
    process.kill(-portal.pid, 'SIGTERM');
    await new Promise(resolve => {
      const timer = setTimeout(() => {
        try {
          process.kill(-portal.pid, 'SIGKILL');
        } catch {}
        resolve();
      }, 15_000);
      portal.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// The catalog picks up the registry's entities within seconds of startup.
async function waitForEntity(ref) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/catalog/entities/by-name/${ref}`,
      {
        headers: { Authorization: 'Bearer dev-token-local-only' },
      },
    );
    if (response.ok) return;
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  throw new Error(
    `The catalog has no ${ref} after 120 s:\n${portalLog.slice(-4000)}`,
  );
}

test('both backends report healthy without credentials', async () => {
  for (const plugin of ['event-schemas', 'delivery-pipeline']) {
    const response = await fetch(`${backendUrl}/api/${plugin}/health`);
    assert.equal(response.status, 200, `${plugin} health`);
    assert.deepEqual(await response.json(), { status: 'ok' });
  }
});

test('the registry policy decides through the real permission backend', async () => {
  // A guest's user token, as the browser gets it. Guest is in group playback
  // once the catalog has read examples/org.yaml: sign-in resolves ownership.
  await waitForEntity('user/default/guest');
  const refresh = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const { token } = (await refresh.json()).backstageIdentity;
  const api = `${backendUrl}/api/event-schemas/event-types`;
  const call = (method, path, body, bearer = token) =>
    fetch(`${api}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${bearer}`,
        'Content-Type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });

  const created = await call(
    'POST',
    '',
    {
      name: 'com.example.billing.paid',
      owner: 'group:default/data-platform',
      format: 'jsonschema',
      schema: { type: 'object' },
    },
    'dev-token-local-only',
  );
  assert.equal(created.status, 201);

  // Owner: the IS_OWNER condition, applied by the permission backend.
  const own = await call('PATCH', '/com.example.playback.started', {
    tags: ['playback', 'audio'],
  });
  assert.equal(own.status, 200);
  const other = await call('PATCH', '/com.example.billing.paid', {
    lifecycle: 'production',
  });
  assert.equal(other.status, 403);
  assert.match(
    (await other.json()).error.message,
    /group:default\/data-platform/,
  );
  const removed = await call('DELETE', '/com.example.playback.started');
  assert.equal(removed.status, 403);
});

test('a guest signs in, opens Event types and reads an event type in API docs', async () => {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  page.setDefaultTimeout(60_000);
  try {
    await page.goto(appUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    // The catalog is the landing page and lists the demo data.
    await page.getByText('playback-service').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'catalog.png') });

    await page.getByRole('link', { name: 'Event types' }).click();
    await page.waitForURL(`${appUrl}/event-types`);
    await page.getByRole('heading', { name: 'Event types' }).first().waitFor();
    // The demo event types, registered at startup (examples/event-types/).
    await page.getByText('com.example.playback.started').first().waitFor();
    await page.getByText('com.example.search.performed').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'event-types.png') });

    // The registry made each event type an API entity; API docs render its
    // generated AsyncAPI document.
    await waitForEntity('api/default/com.example.playback.started');
    await page.goto(
      `${appUrl}/catalog/default/api/com.example.playback.started/definition`,
    );
    await page.getByText('com.example.playback.started').first().waitFor();
    await page.getByText('Accepts the following message:').waitFor();
    await page.screenshot({
      path: join(screenshots, 'asyncapi.png'),
      fullPage: true,
    });
  } catch (error) {
    await page
      .screenshot({ path: join(screenshots, 'failure.png') })
      .catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
});
