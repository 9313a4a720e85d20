import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { eventTypeReadPermission } from '@data-collection/plugin-event-schemas-common';
import { Request, Router } from 'express';
import { ConsumerImpact } from '../consumers/ConsumerImpact';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { audited } from './audited';
import { authorizeOnEventType } from './authorizeOnEventType';
import {
  parseRequest,
  registeredEventTypeName,
  schemaRequest,
} from './requests';

/**
 * `GET /event-types/{name}/impact?version=N` (who breaks if version N is
 * removed) and `POST /event-types/{name}/impact` (who breaks if a draft is
 * registered). Both read the type and the catalog: the type's read
 * permission, audited at low severity, since they reveal who consumes it.
 * `api` is the router validated against openapi.yaml, which documents them.
 */
export function addImpactRoutes(options: {
  api: Pick<Router, 'get' | 'post'>;
  registry: SchemaRegistry;
  impact: ConsumerImpact;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}) {
  const { api, registry, impact, httpAuth, permissions, auditor } = options;

  async function authorizedRead(req: Request, name: string) {
    await authorizeOnEventType({
      registry,
      permissions,
      credentials: await httpAuth.credentials(req),
      permission: eventTypeReadPermission,
      name,
    });
  }

  api.get('/event-types/:name/impact', async (req, res) => {
    const name = eventTypeName(req);
    const version = versionQuery(req.query.version);
    await audited({
      auditor,
      request: req,
      eventId: 'event-type-impact',
      severityLevel: 'low',
      meta: { eventType: name, version },
      run: async () => {
        await authorizedRead(req, name);
        res.json(await impact.ofRemoval({ name, version }));
      },
    });
  });

  api.post('/event-types/:name/impact', async (req, res) => {
    const name = eventTypeName(req);
    const { schema } = parseRequest({
      schema: schemaRequest,
      value: req.body,
      what: 'impact check',
    });
    await audited({
      auditor,
      request: req,
      eventId: 'event-type-impact',
      severityLevel: 'low',
      meta: { eventType: name, draft: true },
      run: async () => {
        await authorizedRead(req, name);
        res.json((await impact.ofDraft({ name, schema })).impact);
      },
    });
  });
}

function eventTypeName(req: Request): string {
  return parseRequest({
    schema: registeredEventTypeName,
    value: req.params.name,
    what: 'event type name in the path',
  });
}

function versionQuery(raw: unknown): number {
  const text = String(raw ?? '');
  // Digits only, and within the database's integer column.
  if (!/^[1-9]\d{0,8}$/.test(text)) {
    throw new InputError(
      `Query parameter version must be a version number from 1; got '${text.slice(
        0,
        50,
      )}'`,
    );
  }
  return Number(text);
}
