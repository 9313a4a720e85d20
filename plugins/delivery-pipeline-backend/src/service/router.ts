import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  ServiceUnavailableError,
  serializeError,
  toError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { TransportFullError } from '@internal/plugin-delivery-pipeline-node';
import { eventTypeUpdatePermission } from '@internal/plugin-event-schemas-common';
import express, { ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { FailedEventStore } from '../database/FailedEventStore';
import { PartitionStore } from '../database/PartitionStore';
import { BindingLimits, readBody } from '../ingest/binding';
import { IngestService } from '../ingest/IngestService';
import { producerOf } from './producerOf';
import {
  optionalBoolean,
  optionalDate,
  optionalLimit,
  optionalString,
  parseReplayRequest,
} from './requests';

/** 429 with `Retry-After` while the transport's backlog is at its bound. */
const transportFullHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof TransportFullError)) {
    next(error);
    return;
  }
  res
    .status(429)
    .set('Retry-After', String(error.retryAfterSeconds))
    .json({
      error: serializeError(error),
      request: { method: req.method, url: req.url },
      response: { statusCode: 429 },
    });
};

export async function createRouter(options: {
  partitions: PartitionStore;
  failedEvents: FailedEventStore;
  ingest: IngestService;
  limits: BindingLimits;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}): Promise<express.Router> {
  const { partitions, failedEvents, ingest, limits, httpAuth, permissions } =
    options;
  const { logger } = options;
  const router = Router();

  // Before the JSON parser: ingest reads its own body, in any mode of the
  // CloudEvents binding (binary mode's body is `application/json`).
  router.post('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await readBody(req, limits);
    const outcome = await ingest.ingest({
      headers: req.headers,
      body,
      producer: producerOf(credentials),
    });
    res.status(202).json(outcome);
  });

  router.use(express.json());

  // Unauthenticated (see plugin.ts) so load balancers and scripts can probe it.
  router.get('/health', async (_req, res) => {
    try {
      await partitions.ping();
    } catch (error) {
      logger.error('Health check failed: database unreachable', toError(error));
      throw new ServiceUnavailableError(
        'The delivery pipeline database is unreachable',
      );
    }
    res.json({ status: 'ok' });
  });

  router.get('/partitions', async (req, res) => {
    const items = await partitions.listPartitions({
      eventType: optionalString(req.query, 'eventType'),
      from: optionalDate(req.query, 'from'),
      to: optionalDate(req.query, 'to'),
    });
    res.json({ items });
  });

  router.get('/failed-events', async (req, res) => {
    res.json(
      await failedEvents.list({
        eventType: optionalString(req.query, 'eventType'),
        from: optionalDate(req.query, 'from'),
        to: optionalDate(req.query, 'to'),
        includeReplayed: optionalBoolean(req.query, 'includeReplayed'),
        limit: optionalLimit(req.query, { default: 100, max: 1000 }),
        cursor: optionalString(req.query, 'cursor'),
      }),
    );
  });

  router.post('/failed-events/replay', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const request = parseReplayRequest(req.body);
    // Replaying changes what lands in the type's dataset: the type's owners
    // (the registry's update permission) decide.
    const [decision] = await permissions.authorize(
      [
        {
          permission: eventTypeUpdatePermission,
          resourceRef: request.eventType,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Only the owners of event type '${request.eventType}' may replay its failed events`,
      );
    }
    const page = await failedEvents.list({
      eventType: request.eventType,
      from: request.from,
      to: request.to,
      limit: request.limit,
    });
    const outcome = await ingest.replay(page.items, producerOf(credentials));
    await failedEvents.recordReplay({
      replayed: outcome.replayedIds,
      failedAgain: outcome.failedAgain,
      at: new Date(),
    });
    res.json({
      replayed: outcome.replayed,
      failedAgain: outcome.failedAgain,
      more: page.nextCursor !== undefined,
    });
  });

  router.use(transportFullHandler);
  return router;
}
