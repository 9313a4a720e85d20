import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { PartitionStore } from '../database/PartitionStore';

export async function createRouter(options: {
  store: PartitionStore;
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
      throw new ServiceUnavailableError(
        'The delivery pipeline database is unreachable',
      );
    }
    res.json({ status: 'ok' });
  });

  router.get('/partitions', async (req, res) => {
    const items = await store.listPartitions({
      eventType: optionalString(req.query, 'eventType'),
      from: optionalDate(req.query, 'from'),
      to: optionalDate(req.query, 'to'),
    });
    res.json({ items });
  });

  return router;
}

function optionalString(
  query: express.Request['query'],
  name: string,
): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`Query parameter '${name}' must be a single string`);
  }
  return value;
}

function optionalDate(
  query: express.Request['query'],
  name: string,
): Date | undefined {
  const value = optionalString(query, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `Query parameter '${name}' must be an ISO 8601 time, such as 2026-11-23T10:00:00Z; got '${value}'`,
    );
  }
  return date;
}
