import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  EventTypeVersion,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { authorizeOnEventType, principalRef } from './authorizeOnEventType';
import { RegistrationRateLimiter } from './RegistrationRateLimiter';

/**
 * Registers a schema as a type's next version for a caller, under the rules
 * of `POST /event-types/{name}/versions` (which calls this, as does the
 * register-event-type-version action): the update permission on the type,
 * then the caller's registration rate limit, then the registry's rules.
 * Throws `IncompatibleSchemaError` when the type's compatibility mode
 * forbids the schema; an identical schema returns its version, `created`
 * false.
 *
 * The answer is the version alone, without the referrers' verdicts of the
 * compatibility check: the types that reference this one pin the version
 * they reference, so registering changes none of them, and a verdict
 * reached after the fact could not stop anything. Whoever registers wants
 * them before: the portal's draft check shows them, and a pipeline asks
 * `POST /event-types/{name}/compatibility`.
 */
export async function registerVersion(options: {
  registry: SchemaRegistry;
  permissions: PermissionsService;
  rateLimiter: RegistrationRateLimiter;
  credentials: BackstageCredentials;
  name: string;
  schema: string;
}): Promise<{ version: EventTypeVersion; created: boolean }> {
  const { registry, credentials, name, schema } = options;
  await authorizeOnEventType({
    registry,
    permissions: options.permissions,
    credentials,
    permission: eventTypeUpdatePermission,
    name,
  });
  options.rateLimiter.take(principalRef(credentials));
  return registry.registerVersion({
    name,
    schema,
    createdBy: principalRef(credentials),
  });
}
