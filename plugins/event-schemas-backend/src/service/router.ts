import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  serializeError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  EVENT_TYPE_RESOURCE_TYPE,
  EventTypeDelivery,
  eventTypeDeletePermission,
  eventTypeReadPermission,
  eventTypeToContract,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';
import express, {
  ErrorRequestHandler,
  NextFunction,
  Request,
  RequestHandler,
  Response,
} from 'express';
import Router from 'express-promise-router';
import { ConsumerImpact } from '../consumers/ConsumerImpact';
import { stringify as stringifyYaml } from 'yaml';
import {
  CONTRACT_YAML_TYPE,
  contractVersionQuery,
  eventTypeOfContractBody,
} from '../contract/contractRequests';
import { createOpenApiRouter } from '../schema/openapi';
import {
  IncompatibleSchemaError,
  SchemaRegistry,
} from '../registry/SchemaRegistry';
import { audited as runAudited } from './audited';
import { authorizeOnEventType, principalRef } from './authorizeOnEventType';
import { RegistryConfig } from './config';
import { PayloadTooLargeError } from './errors';
import { checkEventLimits } from './eventLimits';
import { addImpactRoutes } from './impactRoutes';
import { OwnershipAuthorization } from './OwnershipAuthorization';
import { ReadAuthorization } from './ReadAuthorization';
import { readableReferrerImpact } from './referrerImpact';
import { registerVersion } from './registerVersion';
import {
  RegistrationRateLimiter,
  TooManyRegistrationsError,
} from './RegistrationRateLimiter';
import {
  createEventTypeRequest,
  registeredEventTypeName,
  listQuery,
  parseRequest,
  schemaRequest,
  updateEventTypeRequest,
  updateVersionRequest,
  validateRequest,
} from './requests';

/** The body is parsed before the validated router (see createRouter). */
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

/** A body that is not JSON: 415. */
class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

/** 429 with `Retry-After`, which the default error handler does not set. */
export const rateLimitedHandler: ErrorRequestHandler = (
  error,
  req,
  res,
  next,
) => {
  if (!(error instanceof TooManyRegistrationsError)) {
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
  registry: SchemaRegistry;
  config: RegistryConfig;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Who may own what: registering for a group, changing a type's owner. */
  ownership: OwnershipAuthorization;
  /** Which types a caller may list. */
  reads: ReadAuthorization;
  rateLimiter: RegistrationRateLimiter;
  auditor: AuditorService;
  /** Who a schema change breaks among the type's consumers. */
  impact: ConsumerImpact;
  /** Reports whether the database answers. */
  ping: () => Promise<void>;
  logger: LoggerService;
  /** Where the pipeline delivers a type's data, for its contract. */
  contractDelivery?: (eventType: string) => EventTypeDelivery;
  /**
   * Adds more routes of the same validated API, documented in openapi.yaml
   * (the sync's, which the plugin wires).
   */
  addRoutes?: (api: Pick<express.Router, 'get' | 'post'>) => void;
}): Promise<express.Router> {
  const { registry, httpAuth, permissions, auditor, logger } = options;
  const { ownership, rateLimiter } = options;
  // A schema travels JSON-escaped inside the body, which can double its size.
  const bodyLimit = options.config.limits.maxSchemaBytes * 2 + 64 * 1024;
  const router = Router();

  router.use((req, _res, next) => {
    const hasBody = ['POST', 'PATCH', 'PUT'].includes(req.method);
    // POST .../retire needs no body: none (req.is is null) or an empty one.
    const empty = req.headers['content-length'] === '0';
    // A contract may come as YAML, the form contracts are written in.
    const yamlContract =
      req.path === '/contracts' && req.is(CONTRACT_YAML_TYPE) !== false;
    if (
      hasBody &&
      !empty &&
      req.is('application/json') === false &&
      !yamlContract
    ) {
      throw new UnsupportedMediaTypeError(
        `Send the request body as JSON with 'Content-Type: application/json'${
          req.headers['content-type']
            ? `, not '${req.headers['content-type']}'`
            : ''
        }`,
      );
    }
    next();
  });
  router.use(express.json({ limit: bodyLimit }));
  router.use(express.text({ type: CONTRACT_YAML_TYPE, limit: bodyLimit }));
  router.use(
    bodyParserErrors({
      bodyLimit,
      maxSchemaBytes: options.config.limits.maxSchemaBytes,
    }),
  );

  // Every route below is one of src/schema/openapi.yaml, typed from it, and
  // each request is validated against it before its handler runs: a
  // request the document does not allow is a 400 naming what is wrong.
  // The body is parsed above, where its own 413 and 415 are answered: the
  // validated router turns any error before its routes into a 400.
  const api = await createOpenApiRouter({
    middleware: [alreadyParsed],
    // Credentials are Backstage's to check (httpAuth, the auth policies in
    // plugin.ts); the document's security scheme only describes them.
    validatorOptions: { validateSecurity: false },
  });
  router.use(decodablePath, api);

  // Unauthenticated (see plugin.ts) so load balancers and scripts can probe it.
  api.get('/health', async (_req, res) => {
    try {
      await options.ping();
    } catch (error) {
      logger.error('Health check failed: database unreachable', toError(error));
      throw new ServiceUnavailableError('The registry database is unreachable');
    }
    res.json({ status: 'ok' });
  });

  api.get('/event-types', async (req, res) => {
    const { limit, cursor, ...filter } = parseRequest({
      schema: listQuery,
      value: req.query,
      what: 'query',
    });
    const readable = await options.reads.readableEventTypes(
      await httpAuth.credentials(req),
    );
    res.json(
      await registry.listEventTypes({
        filter: { ...filter, readable },
        limit,
        cursor,
      }),
    );
  });

  api.post('/event-types', async (req, res) => {
    await createEventType({ req, res, body: req.body });
  });

  // Importing a contract is creating an event type, with the same checks.
  api.post('/contracts', async (req, res) => {
    await createEventType({
      req,
      res,
      body: eventTypeOfContractBody(req.body),
      source: 'contract',
    });
  });

  async function createEventType(opts: {
    req: Request;
    res: Response;
    body: unknown;
    source?: string;
  }) {
    const { req, res } = opts;
    const request = parseRequest({
      schema: createEventTypeRequest,
      value: opts.body,
      what: 'event type',
    });
    await audited({
      req,
      eventId: 'event-type-create',
      meta: {
        eventType: request.name,
        ...(opts.source ? { source: opts.source } : {}),
      },
      run: async () => {
        const credentials = await httpAuth.credentials(req);
        await ownership.authorizeCreate({ credentials, request });
        rateLimiter.take(principalRef(credentials));
        const { eventType, version } = await registry.createEventType({
          request,
          createdBy: principalRef(credentials),
        });
        res.status(201).json({
          ...eventType,
          version: version.version,
          fingerprint: version.fingerprint,
        });
      },
    });
  }

  api.get('/event-types/:name', async (req, res) => {
    const name = nameParam(req);
    await authorizeOnType(req, eventTypeReadPermission, name);
    res.json(await registry.getEventType(name));
  });

  api.get('/event-types/:name/contract', async (req, res) => {
    const name = nameParam(req);
    const version = contractVersionQuery(req.query.version);
    await authorizeOnType(req, eventTypeReadPermission, name);
    const eventType = await registry.getEventType(name);
    const schemaVersion = await registry.getVersion({
      name,
      version: version ?? 'latest',
    });
    const contract = eventTypeToContract({
      eventType,
      schema: schemaVersion.schema,
      version: schemaVersion.version,
      delivery: options.contractDelivery?.(name),
    });
    if (
      req.accepts([CONTRACT_YAML_TYPE, 'application/json']) ===
      'application/json'
    ) {
      res.json(contract);
    } else {
      // end, not send: the document types the JSON body only.
      res
        .set('Content-Type', `${CONTRACT_YAML_TYPE}; charset=utf-8`)
        .end(stringifyYaml(contract));
    }
  });

  api.patch('/event-types/:name', async (req, res) => {
    const name = nameParam(req);
    const request = parseRequest({
      schema: updateEventTypeRequest,
      value: req.body,
      what: 'change',
    });
    await audited({
      req,
      eventId: 'event-type-update',
      meta: { eventType: name, fields: Object.keys(request) },
      run: async () => {
        const credentials = await authorizeOnType(
          req,
          eventTypeUpdatePermission,
          name,
        );
        if (request.owner !== undefined) {
          await ownership.authorizeOwnerChange({
            credentials,
            eventType: await registry.getEventType(name),
            owner: request.owner,
          });
        }
        res.json(
          await registry.updateEventType({
            name,
            request,
            updatedBy: principalRef(credentials),
          }),
        );
      },
    });
  });

  api.delete('/event-types/:name', async (req, res) => {
    const name = nameParam(req);
    await audited({
      req,
      eventId: 'event-type-delete',
      severityLevel: 'high',
      meta: { eventType: name },
      run: async () => {
        await authorizeOnType(req, eventTypeDeletePermission, name);
        await registry.deleteEventType(name);
        res.status(204).end();
      },
    });
  });

  api.post('/event-types/:name/retire', async (req, res) => {
    const name = nameParam(req);
    await audited({
      req,
      eventId: 'event-type-retire',
      severityLevel: 'medium',
      meta: { eventType: name },
      run: async () => {
        const credentials = await authorizeOnType(
          req,
          eventTypeUpdatePermission,
          name,
        );
        res.json(
          await registry.retireEventType({
            name,
            retiredBy: principalRef(credentials),
          }),
        );
      },
    });
  });

  api.get('/event-types/:name/versions', async (req, res) => {
    const name = nameParam(req);
    await authorizeOnType(req, eventTypeReadPermission, name);
    res.json({ items: await registry.listVersions(name) });
  });

  api.get('/event-types/:name/versions/:version', async (req, res) => {
    const name = nameParam(req);
    const version = versionParam(req);
    await authorizeOnType(req, eventTypeReadPermission, name);
    res.json(await registry.getVersion({ name, version }));
  });

  api.post('/event-types/:name/versions', async (req, res) => {
    const name = nameParam(req);
    const { schema } = parseRequest({
      schema: schemaRequest,
      value: req.body,
      what: 'version',
    });
    await audited({
      req,
      eventId: 'event-type-version-register',
      meta: { eventType: name },
      run: async () => {
        try {
          const { version, created } = await registerVersion({
            registry,
            permissions,
            rateLimiter,
            credentials: await httpAuth.credentials(req),
            name,
            schema,
          });
          res.status(created ? 201 : 200).json(version);
        } catch (error) {
          if (error instanceof IncompatibleSchemaError) {
            res.status(409).json({
              compatible: false,
              messages: error.result.messages,
              problems: error.result.problems,
              error: { name: error.name, message: error.message },
            });
            return;
          }
          throw error;
        }
      },
    });
  });

  api.patch('/event-types/:name/versions/:version', async (req, res) => {
    const name = nameParam(req);
    const version = versionParam(req);
    if (version === 'latest') {
      throw new InputError(
        'Name the version to change by its number, not latest',
      );
    }
    const { deprecation } = parseRequest({
      schema: updateVersionRequest,
      value: req.body,
      what: 'change',
    });
    await audited({
      req,
      eventId: 'event-type-version-update',
      meta: { eventType: name, version },
      run: async () => {
        const credentials = await authorizeOnType(
          req,
          eventTypeUpdatePermission,
          name,
        );
        res.json(
          await registry.setVersionDeprecation({
            name,
            version,
            deprecation,
            updatedBy: principalRef(credentials),
          }),
        );
      },
    });
  });

  api.post('/event-types/:name/compatibility', async (req, res) => {
    const { schema } = parseRequest({
      schema: schemaRequest,
      value: req.body,
      what: 'compatibility check',
    });
    const name = nameParam(req);
    const credentials = await authorizeOnType(
      req,
      eventTypeReadPermission,
      name,
    );
    const check = await options.impact.checkCompatibility({ name, schema });
    const referrers = await readableReferrerImpact({
      registry,
      permissions,
      credentials,
      name,
      schema,
    });
    res.json({ ...check, referrers });
  });

  addImpactRoutes({
    // The typed router's handlers are too deep for TypeScript to pass on.
    api: api as unknown as express.Router,
    registry,
    impact: options.impact,
    httpAuth,
    permissions,
    auditor,
  });

  options.addRoutes?.(api as unknown as express.Router);

  api.post('/validate', async (req, res) => {
    const { type, version, data } = parseRequest({
      schema: validateRequest,
      value: req.body,
      what: 'validation request',
      data: 'data',
    });
    checkEventLimits({ data, limits: options.config.limits });
    await authorizeOnType(req, eventTypeReadPermission, type);
    res.json(await registry.validate({ type, version, data }));
  });

  async function authorizeOnType(
    req: Request,
    permission: ResourcePermission<typeof EVENT_TYPE_RESOURCE_TYPE>,
    name: string,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req);
    await authorizeOnEventType({
      registry,
      permissions,
      credentials,
      permission,
      name,
    });
    return credentials;
  }

  async function audited(opts: {
    req: Request;
    eventId: string;
    severityLevel?: 'low' | 'medium' | 'high' | 'critical';
    meta: Record<string, string | number | string[]>;
    run: () => Promise<void>;
  }) {
    const { req, ...rest } = opts;
    await runAudited({ auditor, request: req, ...rest });
  }

  router.use(rateLimitedHandler);
  return router;
}

function nameParam(req: Request): string {
  return parseRequest({
    schema: registeredEventTypeName,
    value: req.params.name,
    what: 'event type name in the path',
  });
}

function versionParam(req: Request): number | 'latest' {
  const raw = req.params.version;
  if (raw === 'latest') return 'latest';
  // Digits only, and within the database's integer column.
  const version = /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(version)) {
    throw new InputError(
      `Version must be a number from 1, or latest; got '${raw.slice(0, 50)}'`,
    );
  }
  return version;
}

// body-parser's own errors carry a status but terse messages; say what to do.
function bodyParserErrors(limits: {
  bodyLimit: number;
  maxSchemaBytes: number;
}) {
  return (error: any, _req: Request, _res: Response, next: NextFunction) => {
    if (error?.type === 'entity.too.large') {
      next(
        new PayloadTooLargeError(
          `The request body is over ${limits.bodyLimit} bytes; schemas may be at most ${limits.maxSchemaBytes} bytes (eventSchemas.limits.maxSchemaBytes)`,
        ),
      );
    } else if (error?.type === 'entity.parse.failed') {
      next(
        new InputError(`The request body is not valid JSON: ${error.message}`),
      );
    } else {
      next(error);
    }
  };
}
