import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createStartupGate } from './createStartupGate';

function fakeLifecycle() {
  const startup: Array<() => void | Promise<void>> = [];
  const shutdown: Array<() => void | Promise<void>> = [];
  return {
    lifecycle: {
      addStartupHook: (hook: () => void) => startup.push(hook),
      addShutdownHook: (hook: () => void) => shutdown.push(hook),
      addBeforeShutdownHook: () => {},
    },
    start: async () => {
      for (const hook of startup) await hook();
    },
    stop: async () => {
      for (const hook of shutdown) await hook();
    },
  };
}

function app(pauseMs: number) {
  const { lifecycle, start, stop } = fakeLifecycle();
  const server = express();
  server.use(
    '/api',
    createStartupGate({
      lifecycle,
      config: mockServices.rootConfig({
        data: {
          backend: {
            lifecycle: {
              startupRequestPauseTimeout: { milliseconds: pauseMs },
            },
          },
        },
      }),
    }),
  );
  // A plugin mounted late, as Backstage mounts them while they initialise.
  server.post('/api/delivery-pipeline/events', (_req, res) => {
    res.status(202).json({ accepted: 1 });
  });
  return { server, start, stop };
}

describe('createStartupGate', () => {
  it('answers 503 with Retry-After, not 404, while the backend starts', async () => {
    const { server } = app(50);
    const response = await request(server).post(
      '/api/delivery-pipeline/events',
    );
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.error.message).toBe(
      'The backend is starting; retry later',
    );
  });

  it('holds a request until the backend has started, then lets it through', async () => {
    const { server, start } = app(10_000);
    const pending = request(server).post('/api/delivery-pipeline/events');
    const answered = pending.then(r => r);
    await new Promise(resolve => setTimeout(resolve, 50));
    await start();
    expect((await answered).status).toBe(202);
    // Once started, nothing is held.
    expect(
      (await request(server).post('/api/delivery-pipeline/events')).status,
    ).toBe(202);
  });

  it('answers 503 with Retry-After once shutdown began', async () => {
    const { server, start, stop } = app(10_000);
    await start();
    await stop();
    const response = await request(server).post(
      '/api/delivery-pipeline/events',
    );
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });
});
