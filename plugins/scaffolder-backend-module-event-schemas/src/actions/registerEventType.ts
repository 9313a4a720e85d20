import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  COMPATIBILITY_MODES,
  EVENT_TYPE_FORMATS,
  EVENT_TYPE_NAME_PATTERN,
  EVENT_TYPE_NAME_RULE,
  parseSchema,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { RegistryClient } from '../RegistryClient';
import { eventTypeEntityRef } from './entityRef';
import { schemaInput, schemaText } from './schemaText';

/**
 * The id templates use for {@link createRegisterEventTypeAction}.
 *
 * @public
 */
export const REGISTER_EVENT_TYPE_ACTION_ID =
  'event-schemas:event-type:register';

/**
 * Registers a new event type with its first schema version, as the user
 * running the template: the registry decides whether they may register it
 * for the owner group, as it does for the portal's own form.
 *
 * A dry run registers nothing: it checks that the name is free and that the
 * schema is one the registry accepts (parsed as the registry parses it).
 * Whether the user may register for the owner group is decided when it
 * registers.
 *
 * @public
 */
export function createRegisterEventTypeAction(options: {
  registry: RegistryClient;
}) {
  const { registry } = options;
  return createTemplateAction({
    id: REGISTER_EVENT_TYPE_ACTION_ID,
    description:
      'Registers a new event type with its first schema version in the event-schemas registry, on behalf of the user running the template',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register an event type from template parameters',
        example: [
          'steps:',
          '  - id: register',
          '    name: Register the event type',
          `    action: ${REGISTER_EVENT_TYPE_ACTION_ID}`,
          '    input:',
          '      name: ${{ parameters.name }}',
          '      title: ${{ parameters.title }}',
          '      owner: ${{ parameters.owner }}',
          '      format: jsonschema',
          '      schema: ${{ parameters.schema }}',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(EVENT_TYPE_NAME_PATTERN, EVENT_TYPE_NAME_RULE)
            .describe(
              'The event type name (the CloudEvents type), e.g. com.example.playback.started',
            ),
        title: z => z.string().max(255).optional().describe('A short title'),
        description: z =>
          z
            .string()
            .max(10_000)
            .optional()
            .describe('What the event means and when it is sent'),
        owner: z =>
          z
            .string()
            .min(1)
            .describe(
              'The owning group as an entity ref, e.g. group:default/playback',
            ),
        format: z =>
          z
            .enum(EVENT_TYPE_FORMATS)
            .describe('The schema language: jsonschema or avro'),
        compatibility: z =>
          z
            .enum(COMPATIBILITY_MODES)
            .optional()
            .describe(
              'Which new versions the registry accepts; BACKWARD when left out',
            ),
        schema: schemaInput,
      },
      output: {
        name: z => z.string().describe('The event type name'),
        version: z =>
          z.number().describe('The registered version: 1 for a new type'),
        fingerprint: z =>
          z
            .string()
            .optional()
            .describe(
              "The version's sha256 fingerprint (not set by a dry run)",
            ),
        entityRef: z =>
          z.string().describe('The catalog API entity of the event type'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const credentials = await ctx.getInitiatorCredentials();
      const schema = schemaText(input.schema);
      ctx.output('name', input.name);
      ctx.output('entityRef', eventTypeEntityRef(input.name));

      if (ctx.isDryRun) {
        if (await registry.getEventType({ name: input.name, credentials })) {
          throw new ConflictError(
            `Event type '${input.name}' already exists; register a new schema for it with event-schemas:event-type:version:register`,
          );
        }
        try {
          parseSchema({ format: input.format, schema });
        } catch (error) {
          if (error instanceof SchemaError) {
            throw new InputError(`Invalid schema: ${error.message}`);
          }
          throw error;
        }
        ctx.logger.info(
          `Dry run: event type '${input.name}' is free and its schema is valid; registered nothing`,
        );
        ctx.output('version', 1);
        return;
      }

      // A checkpoint, so that a retried task does not register twice (and
      // fail with 409 on its own registration).
      const registered = await ctx.checkpoint({
        key: `event-schemas.register.${input.name}`,
        fn: async () => {
          const created = await registry.createEventType({
            credentials,
            request: {
              name: input.name,
              title: input.title,
              description: input.description,
              owner: input.owner,
              format: input.format,
              compatibility: input.compatibility,
              schema,
            },
          });
          return {
            version: created.version,
            fingerprint: created.fingerprint,
          };
        },
      });
      ctx.logger.info(
        `Registered event type '${input.name}' (version ${registered.version})`,
      );
      ctx.output('version', registered.version);
      ctx.output('fingerprint', registered.fingerprint);
    },
  });
}
