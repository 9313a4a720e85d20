import { ReadAuthorization } from '../service/ReadAuthorization';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { EVENT_TYPE_FORMATS } from '@data-collection/plugin-event-schemas-common';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { listQuery, parseRequest } from '../service/requests';
import { requireCaller } from './caller';

/**
 * `find-event-types`: the registry's search (`GET /event-types`), for
 * finding which type carries a field or belongs to a team. Lists only the
 * types `event-schemas.event-type.read` allows, as the route does.
 */
export function registerFindEventTypesAction(options: {
  actionsRegistry: ActionsRegistryService;
  registry: SchemaRegistry;
  reads: ReadAuthorization;
}) {
  const { actionsRegistry, registry, reads } = options;
  actionsRegistry.register({
    name: 'find-event-types',
    title: 'Find event types',
    description: `Searches the event schema registry for event types (the kinds of analytics events producers send, each with versioned schemas). All filters are optional and combined with AND: 'text' is a case-insensitive substring of the name, title or description; 'owner' a catalog group (e.g. group:default/playback); 'field' the name of a field anywhere in the latest schema, nested ones included (e.g. track_id finds a type with track.track_id). Returns each type's name, title, owner, format and latest version number; pass 'nextCursor' back as 'cursor' for the next page. Use get-event-type for a type's schema.`,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          text: z
            .string()
            .optional()
            .describe('Substring of the name, title or description'),
          owner: z
            .string()
            .optional()
            .describe('Owning catalog group, e.g. group:default/playback'),
          field: z
            .string()
            .optional()
            .describe(
              'Name of a field anywhere in the latest schema, e.g. track_id',
            ),
          format: z
            .enum(EVENT_TYPE_FORMATS)
            .optional()
            .describe('Schema format'),
          lifecycle: z
            .string()
            .optional()
            .describe('Lifecycle, e.g. experimental or production'),
          limit: z
            .number()
            .int()
            .optional()
            .describe('Most types to return, 1 to 500 (default 50)'),
          cursor: z
            .string()
            .optional()
            .describe('The nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              name: z.string(),
              title: z.string().optional(),
              owner: z.string(),
              format: z.string(),
              lifecycle: z.string(),
              latestVersion: z.number(),
              deprecated: z.boolean(),
            }),
          ),
          totalItems: z.number(),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      // The route's own rules: owner refs normalized, limits bounded.
      const { limit, cursor, ...filter } = parseRequest({
        schema: listQuery,
        value: withoutUndefined(input),
        what: 'search',
      });
      const readable = await reads.readableEventTypes(credentials);
      const list = await registry.listEventTypes({
        filter: { ...filter, readable },
        limit,
        cursor,
      });
      return {
        output: {
          items: list.items.map(eventType => ({
            name: eventType.name,
            title: eventType.title,
            owner: eventType.owner,
            format: eventType.format,
            lifecycle: eventType.lifecycle,
            latestVersion: eventType.latestVersion,
            deprecated: eventType.deprecation !== undefined,
          })),
          totalItems: list.totalItems,
          nextCursor: list.nextCursor,
        },
      };
    },
  });
}

// Strict request schemas take absent fields, not fields set to undefined
// by a client that sends nulls or empty keys.
function withoutUndefined(value: object): object {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  );
}
