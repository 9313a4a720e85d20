import { PermissionsService } from '@backstage/backend-plugin-api';
import { eventTypeReadPermission } from '@data-collection/plugin-event-schemas-common';
import { authorizeOnEventType } from '../service/authorizeOnEventType';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import {
  parseRequest,
  registeredEventTypeName,
  schemaRequest,
} from '../service/requests';
import { requireCaller } from './caller';
import {
  compatibilityOutput,
  eventTypeNameInput,
  schemaInput,
} from './schemas';

/**
 * `check-event-type-compatibility`: the check registration makes, changing
 * nothing; the answer of `POST /event-types/{name}/compatibility`, from the
 * same registry call. Needs `event-schemas.event-type.read` on the type, as the route does.
 */
export function registerCheckCompatibilityAction(options: {
  actionsRegistry: ActionsRegistryService;
  registry: SchemaRegistry;
  permissions: PermissionsService;
}) {
  const { actionsRegistry, registry, permissions } = options;
  actionsRegistry.register({
    name: 'check-event-type-compatibility',
    title: 'Check a schema against an event type',
    description: `Checks whether a draft schema could be registered as the next version of an event type: valid in the type's format, compatible with its earlier versions under the type's compatibility mode (e.g. BACKWARD: consumers on the new schema can read old events), and keeping the type's data subject field. Registers nothing. Answers compatible true or false with the reasons; an invalid schema is an error that says what is wrong.`,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({ name: eventTypeNameInput(z), schema: schemaInput(z) }),
      output: z => compatibilityOutput(z),
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
        what: 'compatibility check',
      });
      await authorizeOnEventType({
        registry,
        permissions,
        credentials,
        permission: eventTypeReadPermission,
        name,
      });
      return { output: await registry.checkCompatibility({ name, schema }) };
    },
  });
}
