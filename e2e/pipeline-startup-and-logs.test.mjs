// A real pipeline backend, from its first second:
// - while it starts, producers get 503 with Retry-After (never 404), so they
//   retry instead of dropping events (createStartupGate in front of /api);
// - once up, requests carrying secrets (the bearer token, an invalid bearer
//   token, payload values of accepted and rejected events, a body that is
//   not JSON) leave no trace of them in the backend's log, and no answer
//   names an absolute path of the server.
//
// Run by scripts/test.sh; alone: node --test e2e/pipeline-startup-and-logs.test.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, PipelineBackend } from './lib/pipelineBackend.mjs';

const PLAYBACK = 'com.example.playback.started';
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const secret = name => `${name}-${randomBytes(12).toString('hex')}`;

const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-startup-'));
let backend;
/** Every answer to a producer while the backend started. */
const duringStartup = [];

before(async () => {
  backend = new PipelineBackend({
    dataDir,
    port: await freePort(),
    // Requests that arrive before the backend is up are answered at once,
    // so that the test sees the answers of every moment of the start.
    config: {
      backend: {
        lifecycle: { startupRequestPauseTimeout: { milliseconds: 1 } },
      },
    },
  });
  let started = false;
  const start = backend.start().finally(() => {
    started = true;
  });
  const url = `http://127.0.0.1:${backend.port}/api/delivery-pipeline/events`;
  while (!started) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${backend.token}`,
          'Content-Type': 'application/cloudevents+json',
        },
        body: JSON.stringify({
          specversion: '1.0',
          id: `startup-${duringStartup.length}`,
          source: '/startup-test',
          type: PLAYBACK,
          data: { user_id: 'u1', track_id: 't1' },
        }),
        signal: AbortSignal.timeout(5000),
      });
      duringStartup.push({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
      });
    } catch {
      // Not listening yet.
    }
    await sleep(20);
  }
  await start;
});

after(async () => {
  await backend?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('answers producers 503 with Retry-After while it starts, never 404', async () => {
  const statuses = duringStartup.map(answer => answer.status);
  assert.ok(
    statuses.includes(503),
    `No answer while starting was 503: ${JSON.stringify(statuses)}`,
  );
  assert.deepEqual(
    duringStartup.filter(
      answer =>
        !(answer.status === 503 && answer.retryAfter === '5') &&
        !(answer.status >= 200 && answer.status < 500 && answer.status !== 404),
    ),
    [],
  );
});

test('keeps bearer tokens and payloads out of its log, and server paths out of its answers', async () => {
  await backend.waitForEventType(PLAYBACK);
  const secrets = {
    token: backend.token,
    invalidToken: secret('invalid-token'),
    acceptedPayload: secret('accepted-payload'),
    rejectedPayload: secret('rejected-payload'),
    unknownTypePayload: secret('unknown-type-payload'),
    notJson: secret('not-json'),
    decrypt: secret('decrypt-value'),
  };
  const answers = [];
  const call = async (path, { method = 'GET', token, type, body } = {}) => {
    const response = await fetch(`${backend.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token ?? backend.token}`,
        ...(type ? { 'Content-Type': type } : {}),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    answers.push({ path, status: response.status, text });
    return { status: response.status, text };
  };
  const event = (id, data, type = PLAYBACK) =>
    JSON.stringify({ specversion: '1.0', id, source: '/log-test', type, data });
  const ce = 'application/cloudevents+json';

  // Accepted, with the secret in a field that is not personal data.
  assert.equal(
    (
      await call('/api/delivery-pipeline/events', {
        method: 'POST',
        type: ce,
        body: event('ok-1', {
          user_id: 'u1',
          track_id: secrets.acceptedPayload,
        }),
      })
    ).status,
    202,
  );
  // Rejected by the schema (kept as a failed event), with the secret in it.
  assert.equal(
    (
      await call('/api/delivery-pipeline/events', {
        method: 'POST',
        type: ce,
        body: event('bad-1', {
          user_id: 'u1',
          unknown: secrets.rejectedPayload,
        }),
      })
    ).status,
    400,
  );
  // Of a type nobody registered.
  assert.equal(
    (
      await call('/api/delivery-pipeline/events', {
        method: 'POST',
        type: ce,
        body: event(
          'bad-2',
          { secret: secrets.unknownTypePayload },
          'com.example.unknown',
        ),
      })
    ).status,
    400,
  );
  // Not JSON at all.
  assert.equal(
    (
      await call('/api/delivery-pipeline/events', {
        method: 'POST',
        type: ce,
        body: `{"id": "${secrets.notJson}", `,
      })
    ).status,
    400,
  );
  // A token nobody issued.
  assert.equal(
    (
      await call('/api/delivery-pipeline/failed-events', {
        token: secrets.invalidToken,
      })
    ).status,
    401,
  );
  // Bad input to the API, and a value to decrypt that is no sealed value.
  assert.equal(
    (await call('/api/delivery-pipeline/failed-events?limit=100000')).status,
    400,
  );
  assert.equal(
    (
      await call('/api/delivery-pipeline/personal-data/decrypt', {
        method: 'POST',
        type: 'application/json',
        body: JSON.stringify({
          eventType: PLAYBACK,
          values: [secrets.decrypt],
        }),
      })
    ).status,
    400,
  );
  // A path that does not exist on disk, for the preview.
  const preview = await call(
    `/api/delivery-pipeline/partitions/${PLAYBACK}/2020-01-01T00:00:00.000Z/preview`,
  );
  assert.equal(preview.status, 404);

  // Let the last lines reach the log.
  await sleep(500);
  const log = backend.logTail(200_000);
  assert.match(log, /\/api\/delivery-pipeline\/events/);
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(!log.includes(value), `The log holds the ${name}`);
  }
  for (const answer of answers.filter(a => a.status >= 400)) {
    assert.ok(
      !answer.text.includes(dataDir),
      `${answer.path} answered ${answer.status} with a server path: ${answer.text}`,
    );
  }
});
