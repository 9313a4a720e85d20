import { PermissionsService } from '@backstage/backend-plugin-api';
import { eventTypeReadPermission } from '@data-collection/plugin-event-schemas-common';
import { authorizeOnEventType } from '../service/authorizeOnEventType';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { parseRequest, registeredEventTypeName } from '../service/requests';
import { requireCaller } from './caller';
import { eventTypeNameInput, versionOutput } from './schemas';

/**
 * `get-event-type`: a type and one version's schema, what `GET
 * /event-types/{name}` and `GET /event-types/{name}/versions/{version}`
 * answer together. Needs `event-schemas.event-type.read` on the type, as the routes do.
 */
export function registerGetEventTypeAction(options: {
  actionsRegistry: ActionsRegistryService;
  registry: SchemaRegistry;
  permissions: PermissionsService;
}) {
  const { actionsRegistry, registry, permissions } = options;
  actionsRegistry.register({
    name: 'get-event-type',
    title: 'Get an event type',
    description: `Reads one event type of the event schema registry: its metadata (owner, format, compatibility mode, lifecycle, retention, SLA, personal data fields, deprecation) and the schema of its latest version, or of the version given. Versions are numbered from 1.`,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          name: eventTypeNameInput(z),
          version: z
            .number()
            .int()
            .positive()
            .max(999_999_999)
            .optional()
            .describe('A version number; the latest when left out'),
        }),
      output: z =>
        z.object({
          eventType: z
            .object({
              name: z.string(),
              title: z.string().optional(),
              description: z.string().optional(),
              owner: z.string(),
              lifecycle: z.string(),
              format: z.string(),
              compatibility: z.string(),
              latestVersion: z.number(),
            })
            .passthrough(),
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
      await authorizeOnEventType({
        registry,
        permissions,
        credentials,
        permission: eventTypeReadPermission,
        name,
      });
      const eventType = await registry.getEventType(name);
      const version = await registry.getVersion({
        name,
        version: input.version ?? 'latest',
      });
      return { output: { eventType, version } };
    },
  });
}
