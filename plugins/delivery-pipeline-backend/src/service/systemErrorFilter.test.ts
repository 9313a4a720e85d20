import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import Router from 'express-promise-router';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { InputError } from '@backstage/errors';
import { systemErrorFilter } from './systemErrorFilter';

describe('systemErrorFilter', () => {
  it('answers a filesystem error without the server path, and logs it', async () => {
    const secretPath = path.join(os.tmpdir(), 'no-such-folder', 'secret-file');
    const logger = mockServices.logger.mock();
    const router = Router();
    router.get('/read', async () => {
      await fs.readFile(secretPath);
    });
    router.get('/bad', async () => {
      throw new InputError('Bad input stays as it is');
    });
    router.use(systemErrorFilter(logger));
    const app = express();
    app.use(router);
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger,
      }).error(),
    );

    const response = await request(app).get('/read');
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain(secretPath);
    expect(response.body.error.message).toMatch(
      /^An internal error occurred, logId=[0-9a-f]{20}$/,
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/^Internal error, logId=/),
      expect.objectContaining({ path: secretPath }),
    );

    const bad = await request(app).get('/bad');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Bad input stays as it is');
  });
});
