import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  serializeError,
  toError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PARTITION_STATES,
  Partition,
  PartitionState,
  RetentionDeletionList,
  failedEventsReadPermission,
  partitionPreviewPermission,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  partitionFolder,
  PartitionStorage,
  TransportFullError,
} from '@data-collection/plugin-delivery-pipeline-node';
import { eventTypeUpdatePermission } from '@data-collection/plugin-event-schemas-common';
import express, { ErrorRequestHandler, RequestHandler } from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter } from '../schema/openapi';
import { FailedEventStore } from '../database/FailedEventStore';
import { PartitionReadStore } from './PartitionReadStore';
import { BindingLimits, readBody } from '../ingest/binding';
import { deprecationHeaders } from '../ingest/deprecationHeaders';
import { IngestService } from '../ingest/IngestService';
import { ProducerAuthorization } from '../ingest/ProducerAuthorization';
import { Keychain } from '../personalData/Keychain';
import { PersonalDataReader } from '../personalData/PersonalDataReader';
import { PersonalDataAccessControl } from './PersonalDataAccessControl';
import { createPersonalDataRouter } from './personalDataRouter';
import {
  SlaPolicy,
  slaMetOf,
  summarizeHealth,
  withSlaMet,
} from './partitionViews';
import {
  withDeprecatedHealthFields,
  withDeprecatedPartitionFields,
} from './deprecatedFields';
import { previewPartition } from './preview';
import { EventTypeDataAccess } from './EventTypeDataAccess';
import { deliveryHealth, policyReader } from './deliveryHealth';
import { systemErrorFilter } from './systemErrorFilter';
import {
  eventTypeParam,
  healthWindow,
  optionalBoolean,
  optionalCursor,
  optionalEventType,
  optionalLimit,
  optionalString,
  optionalWindow,
  parseReplayRequest,
  timeParam,
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

const DAY_MS = 86_400_000;

/** Bodies are parsed before the validated router (see createRouter). */
const alreadyParsed: RequestHandler = (_req, _res, next) => next();

/**
 * A path segment that does not decode is a 400 in Express's words, which
 * name the segment, before the validator's terse 'malformed uri'.
 */
const decodablePath: RequestHandler = (req, _res, next) => {
  for (const segment of req.path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      next(new InputError(`Failed to decode param '${segment.slice(0, 50)}'`));
      return;
    }
  }
  next();
};

/** What the router reads of retention: the log of deletions. */
export interface RetentionLog {
  listDeletions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: string;
  }): Promise<RetentionDeletionList>;
}

export async function createRouter(options: {
  partitions: PartitionReadStore;
  policies: {
    get(eventType: string): Promise<SlaPolicy & { registered: boolean }>;
  };
  storage: PartitionStorage;
  retention: RetentionLog;
  failedEvents: FailedEventStore;
  ingest: IngestService;
  limits: BindingLimits;
  /** Bounds on what one request reads (deliveryPipeline.api). */
  api: { maxWindowMs: number; maxPageBytes: number };
  personalData: {
    keychain: Keychain;
    reader: PersonalDataReader;
    access: PersonalDataAccessControl;
  };
  /** Who may produce which event types. */
  producers: ProducerAuthorization;
  /** Who may read which types' data; audits reads and refusals. */
  dataAccess: EventTypeDataAccess;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}): Promise<express.Router> {
  const { partitions, failedEvents, ingest, limits, httpAuth, permissions } =
    options;
  const { policies, storage, retention } = options;
  const { maxWindowMs, maxPageBytes } = options.api;
  const policyOf = policyReader(policies);
  const { logger, producers, dataAccess } = options;
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
      producer: producers.producerOf(credentials),
      // Who tried to send what they may not: no payloads, no tokens.
      onRefused: refused =>
        dataAccess.auditRefusal({
          req,
          eventId: 'events-produce',
          meta: {
            producer: refused.producer,
            eventTypes: refused.eventTypes,
            refusedEvents: refused.events,
          },
          reason: refused.reasons.join('; '),
        }),
    });
    // Written as is rather than with res.json, which would hash the body
    // for an ETag and parse and format the Content-Type it sets: a POST's
    // outcome is never cached, and this runs once per request of up to a
    // thousand events, on the thread that serves them all.
    res.status(202).set(deprecationHeaders(outcome.deprecated ?? []));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(outcome));
  });

  // Every other route is one of src/schema/openapi.yaml, typed from it, and
  // each request is validated against it before its handler runs: what the
  // document does not allow is a 400 naming what is wrong. Ingest, above,
  // is in the document too but served outside this router: it streams its
  // body under its own limits, checks nesting before parsing and answers
  // per event, none of which survives a JSON parser and a validator in
  // front of it. Bodies are parsed here, before the validated router,
  // which turns any error before its routes into a 400: a body over its
  // limit stays a 413. The decrypt body has its own, larger limit.
  router.use('/personal-data/decrypt', express.json({ limit: '4mb' }));
  router.use(express.json());
  const api = await createOpenApiRouter({
    middleware: [alreadyParsed],
    // Credentials are Backstage's to check (httpAuth, the auth policies in
    // plugin.ts); the document's security scheme only describes them.
    validatorOptions: { validateSecurity: false },
  });
  router.use(decodablePath, api);

  const { reader, access } = options.personalData;
  api.use(
    createPersonalDataRouter({
      ...options.personalData,
      httpAuth,
      permissions,
      auditor: options.auditor,
    }),
  );

  // Unauthenticated (see plugin.ts) so load balancers and scripts can probe it.
  api.get('/health', async (_req, res) => {
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

  api.get('/partitions', async (req, res) => {
    const state = optionalString(req.query, 'state');
    if (state !== undefined && !PARTITION_STATES.includes(state as any)) {
      throw new InputError(
        `Query parameter 'state' must be one of ${PARTITION_STATES.join(
          ', ',
        )}; got '${state}'`,
      );
    }
    const listed = await partitions.listPartitions({
      eventType: optionalEventType(req.query),
      ...optionalWindow(req.query, maxWindowMs),
      state: state as PartitionState | undefined,
      limit: optionalLimit(req.query, { default: 10_000, max: 10_000 }),
    });
    const items = await withSlaMet(listed, policyOf, new Date());
    res.json({ items: items.map(withDeprecatedPartitionFields) });
  });

  // Every type with partitions in the window, for overviews; a registered
  // type that received nothing is left out (the registry lists those).
  api.get('/event-types/health', async (req, res) => {
    const { from, to } = healthWindow(req.query, {
      defaultMs: DAY_MS,
      maxWindowMs,
    });
    const inWindow = await partitions.listPartitions({ from, to });
    const policyByType = new Map<string, SlaPolicy>();
    for (const eventType of new Set(inWindow.map(p => p.eventType))) {
      policyByType.set(eventType, await policyOf(eventType));
    }
    // Partitions whose deadline falls in the window may have started up to
    // the longest SLA before it.
    const longestSlaMs = Math.max(
      0,
      ...[...policyByType.values()].map(p => p.maxLatenessMs),
    );
    const listed = longestSlaMs
      ? await partitions.listPartitions({
          from: new Date(from.getTime() - longestSlaMs),
          to,
        })
      : inWindow;
    const now = new Date();
    const items = [...policyByType].map(([eventType, policy]) => {
      const own = listed
        .filter(p => p.eventType === eventType)
        .map(p => ({ ...p, slaMet: slaMetOf(p, policy, now) }));
      const delivered = own.filter(p => p.deliveredAt !== undefined);
      const health = summarizeHealth({
        eventType,
        from,
        to,
        policy,
        partitions: own,
        lastDelivered: delivered.reduce<Partition | undefined>(
          (latest, p) =>
            !latest || p.deliveredAt! > latest.deliveredAt! ? p : latest,
          undefined,
        ),
        now,
      });
      return withDeprecatedHealthFields(health);
    });
    res.json({ items });
  });

  api.get('/event-types/:name/health', async (req, res) => {
    const eventType = eventTypeParam(req.params.name);
    const { from, to } = healthWindow(req.query, {
      defaultMs: DAY_MS,
      maxWindowMs,
    });
    const { health } = await deliveryHealth({
      partitions,
      policyOf,
      eventType,
      from,
      to,
    });
    res.json(withDeprecatedHealthFields(health));
  });

  api.get('/partitions/:eventType/:start/preview', async (req, res) => {
    const eventType = eventTypeParam(req.params.eventType);
    const start = timeParam(req.params.start, 'The partition start');
    const limit = optionalLimit(req.query, { default: 20, max: 500 });
    const credentials = await httpAuth.credentials(req);
    const answer = await dataAccess.audited({
      req,
      eventId: 'partition-preview',
      meta: { eventType, partition: start.toISOString() },
      run: async () => {
        // Rows are the events themselves, personal data included: a
        // policy decides per event type (see the plugin README).
        const allowed = await dataAccess.allowedTypes(
          credentials,
          partitionPreviewPermission,
          [eventType],
        );
        if (!allowed.has(eventType)) {
          throw new NotAllowedError(
            `Only the owners of event type '${eventType}' and the registry admins may preview its delivered events`,
          );
        }
        const [partition] = await partitions.listPartitions({
          eventType,
          from: start,
          to: new Date(start.getTime() + 1),
        });
        if (!partition || Date.parse(partition.start) !== start.getTime()) {
          throw new NotFoundError(
            `No partition of '${eventType}' starts at ${start.toISOString()}`,
          );
        }
        if (partition.state !== 'delivered') {
          throw new NotFoundError(
            partition.state === 'expired'
              ? `The partition of '${eventType}' at ${partition.start} expired: retention deleted it at ${partition.expiredAt}`
              : `The partition of '${eventType}' at ${partition.start} is ${partition.state}, not delivered yet`,
          );
        }
        const preview = await previewPartition({
          storage,
          folder: partitionFolder({
            kind: 'delivered',
            eventType,
            start: start.getTime(),
            // Its own width: the configured one may have changed since.
            widthMs: Date.parse(partition.end) - start.getTime(),
          }),
          limit,
        });
        const personalData = await access.revealPreview({
          req,
          credentials,
          eventType,
          partitionStart: partition.start,
          rows: preview.rows,
        });
        return {
          result: {
            eventType,
            start: partition.start,
            ...preview,
            personalData,
          },
          meta: { rows: preview.rows.length },
        };
      },
    });
    res.json(answer);
  });

  api.get('/retention/deletions', async (req, res) => {
    res.json(
      await retention.listDeletions({
        eventType: optionalEventType(req.query),
        ...optionalWindow(req.query, maxWindowMs),
        limit: optionalLimit(req.query, { default: 100, max: 1000 }),
        cursor: optionalCursor(req.query),
      }),
    );
  });

  // Where delivered datasets live, for the catalog's dataset entities.
  api.get('/datasets', async (_req, res) => {
    res.json({ location: storage.url('delivered') });
  });

  api.get('/failed-events', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const filter = {
      eventType: optionalEventType(req.query),
      ...optionalWindow(req.query, maxWindowMs),
      includeReplayed: optionalBoolean(req.query, 'includeReplayed'),
      limit: optionalLimit(req.query, { default: 100, max: 1000 }),
      cursor: optionalCursor(req.query),
      maxBytes: maxPageBytes,
    };
    const page = await dataAccess.audited({
      req,
      eventId: 'failed-events-read',
      meta: { eventType: filter.eventType ?? null },
      run: async () => {
        const { eventType } = filter;
        if (
          eventType &&
          !(
            await dataAccess.allowedTypes(
              credentials,
              failedEventsReadPermission,
              [eventType],
            )
          ).has(eventType)
        ) {
          throw new NotAllowedError(
            `Only the owners of event type '${eventType}' and the registry admins may read its failed events`,
          );
        }
        const listed = await failedEvents.list(filter);
        // Only what the caller may read: one decision per distinct type of
        // the page, and events of no known type for the admins.
        const readable = await dataAccess.allowedTypes(
          credentials,
          failedEventsReadPermission,
          listed.items.flatMap(item => item.eventType ?? []),
        );
        const untypedReadable =
          listed.items.some(item => !item.eventType) &&
          (await dataAccess.allowedWithoutType(
            credentials,
            failedEventsReadPermission,
          ));
        const items = listed.items.filter(item =>
          item.eventType ? readable.has(item.eventType) : untypedReadable,
        );
        return {
          result: { items, nextCursor: listed.nextCursor },
          meta: {
            items: items.length,
            withheld: listed.items.length - items.length,
          },
        };
      },
    });
    res.json({
      items: await access.revealFailedEvents({
        req,
        credentials,
        items: page.items,
      }),
      nextCursor: page.nextCursor,
    });
  });

  api.post('/failed-events/replay', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const request = parseReplayRequest(req.body, maxWindowMs);
    const answer = await dataAccess.audited({
      req,
      eventId: 'failed-events-replay',
      meta: { eventType: request.eventType },
      run: async () => {
        // Replaying changes what lands in the type's dataset: the type's
        // owners (the registry's update permission) decide.
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
          maxBytes: maxPageBytes,
        });
        // As the replaying user or service produced them: their grants apply.
        const outcome = await ingest.replay(
          await reader.openFailedPayloads(page.items),
          producers.producerOf(credentials),
        );
        await failedEvents.recordReplay({
          replayed: outcome.replayedIds,
          failedAgain: outcome.failedAgain,
          at: new Date(),
        });
        return {
          result: {
            replayed: outcome.replayed,
            failedAgain: outcome.failedAgain,
            more: page.nextCursor !== undefined,
          },
          meta: {
            replayed: outcome.replayed,
            failedAgain: outcome.failedAgain.length,
          },
        };
      },
    });
    res.json(answer);
  });

  router.use(transportFullHandler);
  router.use(systemErrorFilter(logger));
  return router;
}
