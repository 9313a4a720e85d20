import {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { audited } from '../service/audited';
import { principalRef } from '../service/authorizeOnEventType';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { registerVersion } from '../service/registerVersion';
import {
  parseRequest,
  registeredEventTypeName,
  schemaRequest,
} from '../service/requests';
import { requireCaller } from './caller';
import { eventTypeNameInput, schemaInput, versionOutput } from './schemas';

/**
 * `register-event-type-version`: `POST /event-types/{name}/versions`, through
 * the same function: the update permission on the type (its owners and the
 * registry admins), the caller's registration rate limit, the type's
 * compatibility mode. Audited as the route is, with the caller in `meta`.
 */
export function registerRegisterVersionAction(options: {
  actionsRegistry: ActionsRegistryService;
  registry: SchemaRegistry;
  permissions: PermissionsService;
  rateLimiter: RegistrationRateLimiter;
  auditor: AuditorService;
}) {
  const { actionsRegistry, registry, auditor } = options;
  actionsRegistry.register({
    name: 'register-event-type-version',
    title: 'Register a new version of an event type',
    description: `Registers a schema as the next version of an existing event type. Only the type's owners and the registry admins may. The schema must be valid in the type's format and compatible with the earlier versions under the type's compatibility mode; otherwise nothing is registered and the error gives the reasons (check first with check-event-type-compatibility). Registering a schema identical to an existing version returns that version with created false. Versions cannot be deleted once registered.`,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({ name: eventTypeNameInput(z), schema: schemaInput(z) }),
      output: z =>
        z.object({
          created: z
            .boolean()
            .describe('false when an identical version already existed'),
          version: versionOutput(z),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const name = parseRequest({
        schema: registeredEventTypeName,
        value: input.name,
        what: 'event type name',
      });
      const { schema } = parseRequest({
        schema: schemaRequest,
        value: { schema: input.schema },
        what: 'version',
      });
      const output = await audited({
        auditor,
        eventId: 'event-type-version-register',
        meta: {
          eventType: name,
          actor: principalRef(credentials),
          via: 'action',
        },
        run: () =>
          registerVersion({
            registry,
            permissions: options.permissions,
            rateLimiter: options.rateLimiter,
            credentials,
            name,
            schema,
          }),
      });
      return { output };
    },
  });
}
