// End-to-end: starts the portal the way the README does (`yarn start`, on a
// throw-away SQLite folder, with its demo traffic), signs in as guest in
// headless Chromium and goes through what producers, consumers and the
// platform team do: register an event type through the form, find it, try
// an incompatible version, watch delivery, open the catalog's entities;
// register a type with personal data, send events of two people, find no
// clear personal value anywhere under the data folder, read them in clear as
// an owner and be refused another team's preview, erase one person.
// Saves a screenshot of each page to test-results/e2e/.
//
// Run by scripts/test.sh; alone: node --test e2e/portal.test.mjs
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { scanFiles } from './lib/scanFiles.mjs';

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

/** The statuses producers got while the backend started (see below). */
let startupAnswers = [];

/**
 * Posts an event every 100 ms until stopped, as a producer that retries
 * would, and keeps each answer's status and Retry-After.
 */
function produceWhileStarting() {
  let stopped = false;
  const answers = [];
  const loop = (async () => {
    while (!stopped) {
      try {
        const response = await fetch(
          `${backendUrl}/api/delivery-pipeline/events`,
          {
            method: 'POST',
            headers: {
              Authorization: 'Bearer dev-token-local-only',
              'Content-Type': 'application/cloudevents+json',
            },
            body: JSON.stringify({
              specversion: '1.0',
              id: `startup-${answers.length}`,
              source: '//e2e/startup',
              type: 'com.example.playback.started',
              data: { user_id: 'u-1', track_id: 't-1' },
            }),
            signal: AbortSignal.timeout(10_000),
          },
        );
        answers.push({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
        });
      } catch {
        // Not listening yet.
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return answers;
    },
  };
}

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
      APP_CONFIG_deliveryPipeline_personalData_keyEncryptionKeyFile: join(
        dataDir,
        'key-encryption-key.json',
      ),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = chunk => {
    portalLog = (portalLog + chunk).slice(-100_000);
  };
  portal.stdout.on('data', keep);
  portal.stderr.on('data', keep);
  const producing = produceWhileStarting();
  await waitUntilUp(`${backendUrl}/api/event-schemas/health`);
  startupAnswers = await producing.stop();
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

test('answers producers 503 with Retry-After while starting, never 404', () => {
  assert.ok(startupAnswers.length > 0, 'No answer came while starting');
  assert.deepEqual(
    startupAnswers.filter(
      answer =>
        answer.status === 404 ||
        (answer.status >= 500 && !(answer.status === 503 && answer.retryAfter)),
    ),
    [],
  );
});

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

  // Registering: only for the guest's own groups (a condition the registry
  // applies to the type as it would be).
  const forOthers = await call('POST', '', {
    name: 'com.example.e2e.not-mine',
    owner: 'group:default/insights',
    format: 'jsonschema',
    schema: { type: 'object' },
  });
  assert.equal(forOthers.status, 403);
  assert.match(
    (await forOthers.json()).error.message,
    /only for groups you belong to \(.*group:default\/playback.*\); 'group:default\/insights' is not one of them/,
  );

  // Producing: into the types of the guest's groups, not others'.
  const produce = type =>
    fetch(`${backendUrl}/api/delivery-pipeline/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/cloudevents+json',
      },
      body: JSON.stringify({
        specversion: '1.0',
        id: `guest-${type}-${Date.now()}`,
        source: '//e2e/guest',
        type,
        data: { user_id: 'u1', track_id: 't1' },
      }),
    });
  assert.equal((await produce('com.example.playback.started')).status, 202);
  const intoOthers = await produce('com.example.billing.paid');
  assert.equal(intoOthers.status, 403);
  assert.match(
    (await intoOthers.json()).error.message,
    /may not produce events of type 'com\.example\.billing\.paid'/,
  );
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
    // The demo event types: the registry syncs them from examples/event-types/,
    // which playback-service's catalog entity declares, soon after startup
    // (every 30 s in app-config.yaml); the list is read once per visit.
    for (const name of [
      'com.example.playback.started',
      'com.example.search.performed',
    ]) {
      const deadline = Date.now() + 120_000;
      while (!(await page.getByText(name).first().isVisible())) {
        if (Date.now() > deadline) {
          throw new Error(`${name} was not synced from its file in 120 s`);
        }
        await page.waitForTimeout(5_000);
        await page.reload();
        await page
          .getByRole('heading', { name: 'Event types' })
          .first()
          .waitFor();
      }
    }
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

/**
 * The latest version of a demo type once the sync registered its file
 * (version 2, with `source`): until the catalog has read playback-service
 * and the sync ran, the latest is the demo history's version 1, which a
 * test run alone would otherwise meet.
 */
async function waitForSyncedVersion(eventType) {
  const deadline = Date.now() + 120_000;
  let last;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/event-schemas/event-types/${eventType}/versions/latest`,
      { headers: { Authorization: 'Bearer dev-token-local-only' } },
    );
    if (response.ok) {
      last = await response.json();
      if (JSON.parse(last.schema).properties?.source) return last;
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  throw new Error(
    `The sync did not register the file's schema of ${eventType} within 120 s (latest: version ${
      last?.version
    }):\n${portalLog.slice(-4000)}`,
  );
}

test('a type managed from its file: where it is, its data contract, whom a breaking draft breaks and who breaks if its latest version is removed', async () => {
  const playback = 'com.example.playback.started';
  // Its schema now (version 2, from examples/event-types/), read as a
  // producer would.
  const { version, schema } = await waitForSyncedVersion(playback);
  await withPage(async page => {
    await page.goto(`${appUrl}/event-types/${playback}/overview`);
    await page.getByRole('heading', { name: playback, level: 1 }).waitFor();
    // Synced from examples/event-types/, which playback-service declares.
    await page
      .getByText(/Managed in/)
      .first()
      .waitFor();
    await page.getByText('com.example.playback.started.yaml').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Data contract (ODCS)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `${playback}.odcs.yaml`);
    const contract = readFileSync(await download.path(), 'utf8');
    assert.match(contract, /^apiVersion: v3\.1\.0$/m);
    assert.match(contract, /^kind: DataContract$/m);
    assert.match(contract, /classification: personal-data/);
    await shot(page, 'overview-managed.png');

    // Dropping a value of `source` breaks BACKWARD compatibility: events
    // with it exist. listening-stats declares it does not read `source`;
    // search-relevance-training declares nothing, so it reads every field.
    const draft = JSON.parse(schema);
    draft.properties.source.enum = draft.properties.source.enum.filter(
      value => value !== 'search',
    );
    await page.goto(`${appUrl}/event-types/${playback}/versions`);
    await page.getByText(`Draft of version ${version + 1}`).waitFor();
    await replaceEditorText(page, JSON.stringify(draft, null, 2));
    await page.getByText('Not compatible under BACKWARD').waitFor();
    await page.getByText('Breaks 1 consumer reading source:').first().waitFor();
    const impact = page.getByRole('list').filter({
      hasText: 'search-relevance-training',
    });
    await impact.first().waitFor();
    assert.equal(
      await page.getByRole('link', { name: /listening-stats/ }).count(),
      0,
      'listening-stats does not read source',
    );
    // The type changes only through its file: no Register button.
    await page.getByRole('link', { name: 'Change the file' }).first().waitFor();
    await shot(page, 'versions-impact.png');

    // Removing the latest version rolls back to the one before, which has
    // no `source` and refuses other properties: search-relevance-training
    // (every field) breaks, listening-stats (no `source`) does not.
    await page
      .getByRole('button', {
        name: `Who breaks if removed: version ${version}`,
      })
      .click();
    const removal = page.getByRole('dialog', {
      name: `Who breaks if version ${version} is removed`,
    });
    await removal
      .getByText(`Removing version ${version} breaks 1 consumer`)
      .waitFor();
    await removal.getByText('Breaks 1 consumer reading source:').waitFor();
    await removal
      .getByRole('link', { name: /search-relevance-training/ })
      .waitFor();
    assert.equal(
      await removal.getByRole('link', { name: /listening-stats/ }).count(),
      0,
      'listening-stats does not read source',
    );
    assert.ok(
      (await removal.innerText()).includes(
        `Checked against the 2 consumers of ${playback} in the catalog.`,
      ),
    );
    assert.match(page.url(), new RegExp(`[?&]removal=${version}(&|$)`));
    // The viewport, where the dialog is.
    await page.screenshot({
      path: join(screenshots, 'versions-removal-impact.png'),
    });
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
    // Delivered partitions, in the summary and in the heatmap's hour cells
    // ("(1 empty)" too when a window passed before the sync registered the
    // type's current schema and the demo's events were refused).
    await page
      .getByText(/^[1-9]\d* delivered( \(\d+ empty\))?$/)
      .first()
      .waitFor();
    const summary = page.getByRole('img', { name: /partitions by hour:/ });
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
      .getByText(/^[1-9]\d* delivered( \(\d+ empty\))?$/)
      .first()
      .waitFor();
    await shot(page, 'delivery-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.goto(`${appUrl}/event-types/delivery`);
    await page.getByRole('link', { name: playback }).first().waitFor();
    await shot(page, 'delivery-overview.png');
  });
});

test('a registered type that receives nothing is delivered empty, not missing', async () => {
  // The type the producer registered above gets no events: its windows
  // (a minute wide locally) are delivered empty, a minute or so after each.
  const deadline = Date.now() + 240_000;
  let quiet;
  while (!quiet && Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/delivery-pipeline/partitions?eventType=${likedType}&state=delivered&limit=1`,
      { headers: { Authorization: 'Bearer dev-token-local-only' } },
    );
    if (response.ok) [quiet] = (await response.json()).items;
    if (!quiet) await new Promise(resolve => setTimeout(resolve, 3000));
  }
  assert.ok(quiet, `No delivered partition of ${likedType} after 240 s`);
  assert.equal(quiet.empty, true);
  assert.equal(quiet.counts.received, 0);
  await withPage(async page => {
    // The current hour shows open while its latest minute is being closed
    // and delivered (seconds): look again if the page caught that moment.
    for (let attempt = 1; ; attempt++) {
      await page.goto(`${appUrl}/event-types/${likedType}/delivery?range=24h`);
      try {
        await page
          .getByRole('button', { name: /: delivered empty$/ })
          .first()
          .waitFor({ timeout: 15_000 });
        break;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
    await page
      .getByText(/^Delivered empty \(nothing received\): [1-9]/)
      .waitFor();
    await shot(page, 'delivery-empty.png');
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
    await page.getByRole('img', { name: /partitions by hour:/ }).waitFor();
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

const profileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['user_id', 'plan'],
  properties: {
    user_id: { type: 'string', description: 'The member' },
    email: { type: 'string', description: 'Where the member gets mail' },
    plan: { type: 'string' },
  },
  additionalProperties: false,
};
// Owned by playback, which the guest is in: the guest reads it in clear.
const ownType = 'com.example.e2e.profile-updated';
// Owned by insights, which the guest is not in: the guest may not preview it.
const othersType = 'com.example.e2e.profile-viewed';

/** The local token: a service principal, allowed everything. */
function api(path, options = {}) {
  return fetch(`${backendUrl}${path}`, {
    ...options,
    headers: {
      Authorization: 'Bearer dev-token-local-only',
      'Content-Type': 'application/json',
      ...options.headers,
    },
  });
}

/**
 * The delivered rows of a type's partitions whose ids are among `ids`, as
 * the preview shows them to the caller; waits until all of them are there.
 */
/**
 * The delivered rows of the events `ids` of a type, by id, once all are
 * delivered; each row's `partitionStart` says where it is.
 */
async function deliveredRows(eventType, ids) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const rows = new Map();
    const listed = await api(
      `/api/delivery-pipeline/partitions?eventType=${eventType}&state=delivered`,
    );
    for (const partition of (await listed.json()).items ?? []) {
      const preview = await api(
        `/api/delivery-pipeline/partitions/${eventType}/${encodeURIComponent(
          partition.start,
        )}/preview?limit=500`,
      );
      for (const row of (await preview.json()).rows ?? []) {
        if (ids.includes(row.id)) {
          rows.set(row.id, { ...row, partitionStart: partition.start });
        }
      }
    }
    if (rows.size === ids.length) return rows;
    if (Date.now() > deadline) {
      throw new Error(
        `Only ${rows.size} of ${
          ids.length
        } events of ${eventType} delivered after 240 s:\n${portalLog.slice(
          -4000,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 3000));
  }
}

/**
 * Opens the preview of the partition starting at `start` (ISO 8601), in the
 * type's Delivery tab: its hour in the heatmap, then its Preview button,
 * both named as the page names them in the browser's time zone. (Not the
 * latest hour: a run that crosses an hour has its events in the one
 * before, and the new hour's partitions are empty.)
 */
async function openPreview(page, eventType, start) {
  await page.goto(`${appUrl}/event-types/${eventType}/delivery?range=24h`);
  const names = await page.evaluate(iso => {
    const date = new Date(iso);
    const pad = n => String(n).padStart(2, '0');
    const parts = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    }).formatToParts(date);
    const part = type => parts.find(p => p.type === type)?.value ?? '';
    return {
      hour: `${part('weekday')} ${part('day')} ${part('month')} ${pad(
        date.getHours(),
      )}:00: `,
      preview: `Preview the partition starting ${new Intl.DateTimeFormat(
        undefined,
        { dateStyle: 'medium', timeStyle: 'medium' },
      ).format(date)}`,
    };
  }, start);
  await page.getByRole('button', { name: names.hour }).first().click();
  await page.getByRole('button', { name: names.preview, exact: true }).click();
}

test('personal data: registered through the form, sealed on disk, refused to other teams, erased per person', async () => {
  const run = randomBytes(4).toString('hex');
  const [ann, ben] = ['ann', 'ben'].map(name => ({
    id: `${name}-${run}`,
    email: `${name}.${run}@example.com`,
  }));

  let snippet;
  await withPage(async page => {
    await page.goto(`${appUrl}/event-types/new`);
    await page.getByRole('textbox', { name: /^Name/ }).fill(ownType);
    await page.getByRole('textbox', { name: /^Owner/ }).fill('playback');
    await page
      .getByRole('option', { name: /playback/ })
      .first()
      .click();
    await replaceEditorText(page, JSON.stringify(profileSchema, null, 2));
    await page.getByText('Valid JSON Schema: 3 fields').waitFor();
    // The personal fields, then the field naming the person.
    await page.getByRole('button', { name: /^Personal data fields/ }).click();
    await page.getByRole('option', { name: /^email/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Data subject/ }).click();
    await page.getByRole('option', { name: /^user_id/ }).click();
    await page.getByRole('listbox').waitFor({ state: 'hidden' });
    await shot(page, 'register-personal-data.png');
    await page.getByRole('button', { name: 'Register', exact: true }).click();

    await page.waitForURL(`${appUrl}/event-types/${ownType}/overview`);
    await page.getByText('Data subject').first().waitFor();
    // The page's curl snippet, as a producer copies it.
    snippet = await page
      .getByRole('tabpanel')
      .filter({ hasText: 'curl -X POST' })
      .locator('pre')
      .first()
      .innerText();
    await shot(page, 'overview-personal-data.png');
  });
  const sent = JSON.parse(
    execFileSync('sh', ['-c', snippet], {
      env: { ...process.env, TOKEN: 'dev-token-local-only' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString(),
  );
  assert.deepEqual(sent, { accepted: 1, rejected: [] }, 'the snippet sends');

  const registered = await api('/api/event-schemas/event-types', {
    method: 'POST',
    body: JSON.stringify({
      name: othersType,
      owner: 'group:default/insights',
      format: 'jsonschema',
      dataSubject: 'user_id',
      personalDataFields: ['email'],
      schema: profileSchema,
    }),
  });
  assert.equal(registered.status, 201);

  // Two people, two events each in each type, and one refused event each.
  // Event ids are not personal: they name the event, not the person.
  const events = [];
  const expected = new Map();
  const personOf = new Map();
  for (const eventType of [ownType, othersType]) {
    for (const person of [ann, ben]) {
      for (const n of [1, 2]) {
        const data = { user_id: person.id, email: person.email, plan: 'free' };
        const event = {
          specversion: '1.0',
          id: `${eventType}-${run}-${events.length}`,
          source: '//e2e/profiles',
          type: eventType,
          data,
        };
        events.push(event);
        expected.set(event.id, data);
        personOf.set(event.id, person);
      }
    }
  }
  const refusedOf = new Map();
  for (const person of [ann, ben]) {
    const event = {
      specversion: '1.0',
      id: `${ownType}-${run}-refused-${events.length}`,
      source: '//e2e/profiles',
      type: ownType,
      data: { user_id: person.id, email: person.email, plan: 7 },
    };
    events.push(event);
    refusedOf.set(person, event.id);
  }
  const batch = await api('/api/delivery-pipeline/events', {
    method: 'POST',
    headers: { 'Content-Type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  assert.equal(batch.status, 202);
  assert.equal((await batch.json()).accepted, 8);

  // An allowed reader (the local token) sees both people in clear.
  const idsOf = eventType =>
    [...expected.keys()].filter(id => id.startsWith(`${eventType}-`));
  // One batch, one receive time: each type's events share a partition.
  const partitionOf = new Map();
  for (const eventType of [ownType, othersType]) {
    const rows = await deliveredRows(eventType, idsOf(eventType));
    partitionOf.set(eventType, [...rows.values()][0].partitionStart);
    for (const [id, row] of rows) {
      assert.deepEqual(row.data, expected.get(id), `${id} reads in clear`);
    }
  }

  // Nothing under the data folder holds a clear personal value: the
  // transport, raw and delivered partitions, SQLite databases and journals.
  // The event ids (not personal) are found there, which shows where the
  // scan reached.
  const needles = [ann.id, ann.email, ben.id, ben.email];
  const probes = [idsOf(othersType)[0], refusedOf.get(ben)];
  const scan = await scanFiles(dataDir, [...needles, ...probes]);
  for (const needle of needles) {
    assert.deepEqual(scan.found.get(needle), [], `${needle} stored in clear`);
  }
  const reached = where =>
    scan.found.get(probes[0]).some(path => path.includes(where));
  assert.ok(reached('/storage/raw/'), 'the scan read the raw partitions');
  assert.ok(reached('/storage/delivered/'), 'the scan read delivered ones');
  assert.ok(
    scan.found.get(probes[1]).some(path => path.includes('/sqlite/')),
    "the scan read the plugin's database (failed events)",
  );
  console.log(
    `scanned ${scan.files} files, ${Math.round(
      scan.bytes / 1024,
    )} KiB: no clear personal value`,
  );

  await withPage(async page => {
    // The guest owns one type: its preview shows personal data in clear.
    await openPreview(page, ownType, partitionOf.get(ownType));
    await page.getByText('You see personal data in clear').waitFor();
    await page.getByText(ann.email).first().waitFor();
    await shot(page, 'preview-clear.png');

    // Not the other's: only its owners and the admins preview it.
    await openPreview(page, othersType, partitionOf.get(othersType));
    await page
      .getByText(`You may not preview the delivered events of ${othersType}`)
      .waitFor();
    assert.equal(await page.getByText(ann.email).count(), 0);
    await shot(page, 'preview-refused.png');

    // The guest is in the local privacy group: erases Ann.
    await page.goto(`${appUrl}/event-types/data-subjects`);
    await page.getByRole('textbox', { name: /^The person's id/ }).fill(ann.id);
    await page.getByRole('button', { name: 'Erase…' }).click();
    await page.getByRole('button', { name: `Erase ${ann.id}` }).click();
    await page.getByRole('status', { name: `Erased ${ann.id}` }).waitFor();
    await shot(page, 'data-subject-erased.png');
  });

  // Ann's values are gone from every copy; Ben's read as before.
  const after = await deliveredRows(othersType, idsOf(othersType));
  for (const [id, row] of after) {
    assert.deepEqual(
      row.data,
      personOf.get(id) === ann
        ? { user_id: '[erased]', email: '[erased]', plan: 'free' }
        : expected.get(id),
      id,
    );
  }
  const failed = await api(
    `/api/delivery-pipeline/failed-events?eventType=${ownType}`,
  );
  const failedIds = (await failed.json()).items.map(item => item.eventId);
  assert.ok(failedIds.includes(refusedOf.get(ben)), "Ben's failed event stays");
  assert.ok(!failedIds.includes(refusedOf.get(ann)), "Ann's is deleted");
  // The request and audit logs name Ann by a keyed hash, not by her id.
  assert.match(portalLog, /data-subjects\/s%3A/, 'the erasure was logged');
  assert.ok(!portalLog.includes(ann.id), "Ann's id is not in the backend log");
});

test('Create lists the New event type template and opens its form', async () => {
  await withPage(async page => {
    // The scaffolder's page, from the sidebar (the catalog has a Create
    // button too).
    await page.getByRole('link', { name: 'Create' }).first().click();
    await page.waitForURL(`${appUrl}/create**`);
    // The template, from examples/templates/new-event-type.
    await page.getByText('New event type').first().waitFor();
    await shot(page, 'create.png');

    await page.getByRole('button', { name: 'Choose' }).first().click();
    await page.waitForURL(/\/create\/templates\/default\/new-event-type/);
    await page.getByRole('textbox', { name: 'Name' }).waitFor();
    // The owner, picked from the catalog (OwnerPicker).
    await page.getByText('The group that owns the event type').waitFor();
    await shot(page, 'new-event-type.png');
  });
});
