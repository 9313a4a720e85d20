import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { eventTypeUpdatePermission } from '@data-collection/plugin-event-schemas-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { audited } from '../service/audited';
import {
  authorizeOnEventType,
  principalRef,
} from '../service/authorizeOnEventType';
import { OwnershipAuthorization } from '../service/OwnershipAuthorization';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { rateLimitedHandler } from '../service/router';
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

/**
 * `POST /sync`: syncs one entity's event type files now, rather than at
 * the next scheduled run. `{ "eventType": name }` syncs the entity that
 * manages the type, for whoever may change the type (its owners, the
 * admins); `{ "entityRef": ref }` syncs that entity, for whoever may
 * register event types for the entity's owner. Counts against the
 * caller's registration rate limit.
 */
export function createSyncRouter(options: {
  sync: EventTypeFileSync;
  registry: SchemaRegistry;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  ownership: OwnershipAuthorization;
  rateLimiter: RegistrationRateLimiter;
  auditor: AuditorService;
}): express.Router {
  const { sync, registry, httpAuth, permissions, ownership, rateLimiter } =
    options;
  const router = Router();
  router.post('/sync', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseRequest({
      schema: syncRequest,
      value: req.body,
      what: 'sync request (send {"eventType": name} or {"entityRef": ref})',
    });
    const credentials = await httpAuth.credentials(req);
    const report = await audited({
      auditor: options.auditor,
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
  router.use(rateLimitedHandler);
  return router;
}
