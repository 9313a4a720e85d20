import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { eventTypeUpdatePermission } from '@data-collection/plugin-event-schemas-common';
import { Router } from 'express';
import { z } from 'zod';
import { EventTypeFileStore } from '../database/EventTypeFileStore';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { audited } from '../service/audited';
import {
  authorizeOnEventType,
  principalRef,
} from '../service/authorizeOnEventType';
import { OwnershipAuthorization } from '../service/OwnershipAuthorization';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import {
  CreateEventTypeRequest,
  parseRequest,
  registeredEventTypeName,
} from '../service/requests';
import { EventTypeFileSync } from './EventTypeFileSync';

const syncRequest = z.union([
  z.strictObject({ eventType: registeredEventTypeName }),
  z.strictObject({ entityRef: z.string().min(1).max(255) }),
]);

/** Entity refs per catalog look-up, well under what one request may carry. */
const REFS_PER_LOOKUP = 100;

/** What the routes of the sync need besides the registry's own services. */
export type SyncRoutesOptions = {
  sync: EventTypeFileSync;
  fileStore: EventTypeFileStore;
  /** Decides which sources a caller may see: those whose entity it can read. */
  catalog: CatalogService;
};

/**
 * The routes of the sync of event type files, on the router validated
 * against openapi.yaml, which documents them.
 *
 * `POST /sync` syncs one entity's files now, rather than at the next
 * scheduled run. `{ "eventType": name }` syncs the entity that manages the
 * type, for whoever may change the type (its owners, the admins);
 * `{ "entityRef": ref }` syncs that entity, for whoever may register event
 * types for the entity's owner. Counts against the caller's registration
 * rate limit.
 *
 * `GET /sync/sources` lists every annotated entity with its latest sync,
 * file by file, refusals and their reasons included: the sources whose
 * entity the caller may read in the catalog (the catalog's permission
 * decides), since a source shows what its repository holds.
 */
export function addSyncRoutes(
  options: SyncRoutesOptions & {
    api: Pick<Router, 'get' | 'post'>;
    registry: SchemaRegistry;
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    ownership: OwnershipAuthorization;
    rateLimiter: RegistrationRateLimiter;
    auditor: AuditorService;
  },
) {
  const { api, sync, registry, httpAuth, permissions, ownership } = options;
  const { rateLimiter, auditor } = options;

  api.post('/sync', async (req, res) => {
    const body = parseRequest({
      schema: syncRequest,
      value: req.body,
      what: 'sync request (send {"eventType": name} or {"entityRef": ref})',
    });
    const credentials = await httpAuth.credentials(req);
    const report = await audited({
      auditor,
      request: req,
      eventId: 'event-type-sync-request',
      meta: { ...body },
      run: async () => {
        let entityRef: string;
        if ('eventType' in body) {
          await authorizeOnEventType({
            registry,
            permissions,
            credentials,
            permission: eventTypeUpdatePermission,
            name: body.eventType,
          });
          const { managedBy } = await registry.getEventType(body.eventType);
          if (!managedBy) {
            throw new ConflictError(
              `${body.eventType} is not managed from a file; there is nothing to sync`,
            );
          }
          entityRef = managedBy.entityRef;
        } else {
          try {
            entityRef = stringifyEntityRef(parseEntityRef(body.entityRef));
          } catch {
            throw new InputError(
              `entityRef must be a catalog entity ref such as component:default/playback-service`,
            );
          }
          const owner = await sync.entityOwner(entityRef);
          if (!owner) {
            throw new InputError(
              `${entityRef} is not in the catalog or has no group as its owner`,
            );
          }
          // Syncing may register types for the entity's owner.
          await ownership.authorizeCreate({
            credentials,
            request: { owner } as CreateEventTypeRequest,
          });
        }
        rateLimiter.take(principalRef(credentials));
        return sync.syncEntityRef(entityRef);
      },
    });
    res.json(report);
  });

  api.get('/sync/sources', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const items = await audited({
      auditor,
      request: req,
      eventId: 'event-type-sync-sources',
      severityLevel: 'low',
      meta: {},
      run: async () => {
        const sources = await options.fileStore.listSources();
        const readable = await readableEntityRefs({
          catalog: options.catalog,
          credentials,
          entityRefs: sources.map(s => s.entityRef),
        });
        return sources.filter(s => readable.has(s.entityRef));
      },
    });
    res.json({ items });
  });
}

/** The refs among `entityRefs` whose entity the caller may read. */
async function readableEntityRefs(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  entityRefs: string[];
}): Promise<Set<string>> {
  const { catalog, credentials, entityRefs } = options;
  const readable = new Set<string>();
  for (let i = 0; i < entityRefs.length; i += REFS_PER_LOOKUP) {
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: entityRefs.slice(i, i + REFS_PER_LOOKUP),
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    for (const entity of items) {
      if (entity) readable.add(stringifyEntityRef(entity));
    }
  }
  return readable;
}
