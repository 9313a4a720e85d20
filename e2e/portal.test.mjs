// End-to-end: starts the portal the way the README does (`yarn start`, on a
// throw-away SQLite folder, with its demo traffic), signs in as guest in
// headless Chromium and goes through what producers, consumers and the
// platform team do: register an event type through the form, find it, try
// an incompatible version, watch delivery, open the catalog's entities.
// Saves a screenshot of each page to test-results/e2e/.
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

// What a signed-in guest's browser sees, a page at a time. Tall, so that a
// screenshot holds a whole page (Backstage scrolls inside its layout).
async function signedInPage() {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 2000 },
  });
  page.setDefaultTimeout(60_000);
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByText('playback-service').first().waitFor();
  return page;
}

async function withPage(run) {
  const page = await signedInPage();
  try {
    await run(page);
  } catch (error) {
    await page
      .screenshot({ path: join(screenshots, 'failure.png') })
      .catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
}

const shot = (page, file) =>
  page.screenshot({ path: join(screenshots, file), fullPage: true });

/** Replaces the text of the n-th schema editor (CodeMirror) on the page. */
async function replaceEditorText(page, text, n = 0) {
  const editor = page.locator('.cm-content').nth(n);
  await editor.click();
  await page.keyboard.press('Control+A');
  // One insertion, as a paste: typing would auto-close brackets.
  await page.keyboard.insertText(text);
}

const likedType = 'com.example.e2e.track-liked';
const likedSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['user_id', 'track_id'],
  properties: {
    user_id: { type: 'string', description: 'The listener' },
    track_id: { type: 'string', description: 'The track liked' },
  },
  // Closed, so that a new optional field is a BACKWARD compatible change.
  additionalProperties: false,
};

test('a producer registers an event type through the form, finds it in the table and tries an incompatible version', async () => {
  await withPage(async page => {
    await page.goto(`${appUrl}/event-types`);
    await page.getByRole('button', { name: 'Register event type' }).click();
    await page.waitForURL(`${appUrl}/event-types/new`);

    // The name is checked as it is typed, with the registry's rule.
    const name = page.getByRole('textbox', { name: /^Name/ });
    await name.fill('track liked!');
    await page
      .getByText(/must be 1 to 128 letters/)
      .first()
      .waitFor();
    await name.fill(likedType);
    await page.getByRole('textbox', { name: /^Title/ }).fill('Track liked');
    // The owner comes from the catalog's groups.
    await page.getByRole('textbox', { name: /^Owner/ }).fill('playback');
    await page
      .getByRole('option', { name: /playback/ })
      .first()
      .click();
    await replaceEditorText(page, '{ "type": "object", ');
    await page
      .getByText(/not valid JSON|Unexpected|Expected/)
      .first()
      .waitFor();
    await replaceEditorText(page, JSON.stringify(likedSchema, null, 2));
    await page.getByText('Valid JSON Schema: 2 fields').waitFor();
    await page.getByRole('textbox', { name: /^Maximum lateness/ }).fill('PT3H');
    await shot(page, 'register.png');
    await page.getByRole('button', { name: 'Register', exact: true }).click();

    // Its page: the schema as a field tree, an example and how to send it.
    await page.waitForURL(`${appUrl}/event-types/${likedType}/overview`);
    await page.getByRole('heading', { name: likedType, level: 1 }).waitFor();
    await page.getByText('The track liked').waitFor();
    await page.getByText('/api/delivery-pipeline/events').first().waitFor();
    await shot(page, 'overview.png');

    // Found in the table by its name; the search is in the URL.
    await page.goto(`${appUrl}/event-types?q=track-liked`);
    await page.getByRole('link', { name: likedType }).waitFor();
    assert.equal(
      await page
        .getByRole('link', { name: 'com.example.search.performed' })
        .count(),
      0,
      'the search leaves out other types',
    );
    await shot(page, 'event-types.png');

    // A draft that changes a field's type: not BACKWARD compatible, and why.
    await page.goto(`${appUrl}/event-types/${likedType}/versions`);
    await page.getByText('Draft of version 2').waitFor();
    const incompatible = structuredClone(likedSchema);
    incompatible.properties.track_id.type = 'integer';
    await replaceEditorText(page, JSON.stringify(incompatible, null, 2));
    await page.getByText('Not compatible under BACKWARD').waitFor();
    await page
      .getByText(/\/properties\/track_id/)
      .first()
      .waitFor();
    await shot(page, 'versions.png');
    // The guest is in group playback, which owns it: a compatible draft
    // (a new optional field) can be registered as version 2.
    const compatible = structuredClone(likedSchema);
    compatible.properties.context = { type: 'string' };
    await replaceEditorText(page, JSON.stringify(compatible, null, 2));
    await page
      .getByText('Compatible under BACKWARD', { exact: true })
      .waitFor();
    await page.getByRole('button', { name: 'Register as version 2' }).click();
    await page.getByText('Version 2').first().waitFor();
    await page.goto(`${appUrl}/event-types/${likedType}/versions?from=1&to=2`);
    await page.getByText(/\+\d+ −\d+ lines/).waitFor();
    await shot(page, 'versions-diff.png');
  });
});

// Demo traffic flows from the start; partitions are a minute wide locally.
async function waitForDelivered(eventType) {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/delivery-pipeline/partitions?eventType=${eventType}&state=delivered&limit=1`,
      { headers: { Authorization: 'Bearer dev-token-local-only' } },
    );
    if (response.ok && (await response.json()).items.length > 0) return;
    await new Promise(resolve => setTimeout(resolve, 3000));
  }
  throw new Error(
    `No delivered partition of ${eventType} after 240 s:\n${portalLog.slice(
      -4000,
    )}`,
  );
}

test('the platform team watches the demo traffic get delivered', async () => {
  const playback = 'com.example.playback.started';
  await waitForDelivered(playback);
  await withPage(async page => {
    await page.goto(`${appUrl}/event-types/${playback}/delivery?range=24h`);
    // Delivered partitions, in the summary and in the heatmap's hour cells.
    await page
      .getByText(/^[1-9]\d* delivered$/)
      .first()
      .waitFor();
    const summary = page.getByRole('img', { name: /hourly partitions:/ });
    await summary.waitFor();
    // The hour that received the demo traffic opens its partitions.
    await page
      .getByRole('button', { name: /: (on time|late|open)/ })
      .first()
      .click();
    await page.getByRole('table', { name: /^Partitions of / }).waitFor();
    await page
      .getByRole('table', { name: /^Partitions of / })
      .getByText('delivered')
      .first()
      .waitFor();
    await shot(page, 'delivery.png');

    // The same page in the dark theme (the app follows the system's).
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page
      .getByText(/^[1-9]\d* delivered$/)
      .first()
      .waitFor();
    await shot(page, 'delivery-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.goto(`${appUrl}/event-types/delivery`);
    await page.getByRole('link', { name: playback }).first().waitFor();
    await shot(page, 'delivery-overview.png');
  });
});

test("the catalog shows an event type's API entity, its dataset and their lineage", async () => {
  await waitForEntity(`api/default/${likedType}`);
  await withPage(async page => {
    // The registry made the type registered above an API entity, with the
    // plugin's card on its overview and its own tab.
    await page.goto(`${appUrl}/catalog/default/api/${likedType}`);
    await page.getByText('Latest version').first().waitFor();
    await shot(page, 'api-entity.png');
    await page.goto(`${appUrl}/catalog/default/api/${likedType}/event-type`);
    await page.getByText('The track liked').first().waitFor();
    await shot(page, 'api-entity-event-type.png');

    // The demo type's dataset: freshness and where to query it, then the
    // Delivery tab with its partitions.
    const dataset = 'com.example.playback.started-dataset';
    await waitForEntity(`resource/default/${dataset}`);
    await page.goto(`${appUrl}/catalog/default/resource/${dataset}`);
    await page
      .getByText(/file:\/\//)
      .first()
      .waitFor();
    await shot(page, 'dataset-entity.png');
    await page.goto(`${appUrl}/catalog/default/resource/${dataset}/delivery`);
    await page.getByRole('img', { name: /hourly partitions:/ }).waitFor();
    await shot(page, 'dataset-delivery.png');

    // Lineage: producer -> event type -> dataset -> consumers.
    await page.goto(
      `${appUrl}/event-types/com.example.playback.started/lineage`,
    );
    await page
      .getByRole('link', { name: 'playback-service' })
      .first()
      .waitFor();
    await page.getByRole('link', { name: 'listening-stats' }).first().waitFor();
    await shot(page, 'lineage.png');
  });
});
