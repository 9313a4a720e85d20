import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { EventTypeStore } from '../database/EventTypeStore';

export async function createRouter(options: {
  store: EventTypeStore;
  logger: LoggerService;
}): Promise<express.Router> {
  const { store, logger } = options;
  const router = Router();
  router.use(express.json());

  // Unauthenticated (see plugin.ts) so load balancers and scripts can probe it.
  router.get('/health', async (_req, res) => {
    try {
      await store.ping();
    } catch (error) {
      logger.error('Health check failed: database unreachable', toError(error));
      throw new ServiceUnavailableError('The registry database is unreachable');
    }
    res.json({ status: 'ok' });
  });

  router.get('/event-types', async (_req, res) => {
    res.json({ items: await store.listEventTypes() });
  });

  return router;
}
