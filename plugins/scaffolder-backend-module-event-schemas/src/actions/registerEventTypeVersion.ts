import { createHash } from 'node:crypto';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { EVENT_TYPE_NAME_LOOKUP_PATTERN } from '@data-collection/plugin-event-schemas-common';
import { IncompatibleSchemaError } from '../IncompatibleSchemaError';
import { RegistryClient } from '../RegistryClient';
import { eventTypeEntityRef } from './entityRef';
import { schemaInput, schemaText } from './schemaText';

/**
 * The id templates use for {@link createRegisterEventTypeVersionAction}.
 *
 * @public
 */
export const REGISTER_EVENT_TYPE_VERSION_ACTION_ID =
  'event-schemas:event-type:version:register';

/**
 * Registers a new schema version of an existing event type, as the user
 * running the template: the registry lets its owners and admins do it, and
 * refuses a schema its compatibility mode does not accept, with the reasons.
 *
 * A dry run registers nothing: it asks the registry whether the schema
 * would be accepted (the check registering makes).
 *
 * @public
 */
export function createRegisterEventTypeVersionAction(options: {
  registry: RegistryClient;
}) {
  const { registry } = options;
  return createTemplateAction({
    id: REGISTER_EVENT_TYPE_VERSION_ACTION_ID,
    description:
      'Registers a new schema version of an existing event type in the event-schemas registry, on behalf of the user running the template',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register a new version of an event type',
        example: [
          'steps:',
          '  - id: register-version',
          '    name: Register the new schema',
          `    action: ${REGISTER_EVENT_TYPE_VERSION_ACTION_ID}`,
          '    input:',
          '      name: com.example.playback.started',
          '      schema: ${{ parameters.schema }}',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(
              EVENT_TYPE_NAME_LOOKUP_PATTERN,
              'must be the name of a registered event type',
            )
            .describe(
              'The registered event type, e.g. com.example.playback.started',
            ),
        schema: schemaInput,
      },
      output: {
        name: z => z.string().describe('The event type name'),
        version: z =>
          z
            .number()
            .optional()
            .describe('The version number (not set by a dry run)'),
        fingerprint: z =>
          z
            .string()
            .optional()
            .describe(
              "The version's sha256 fingerprint (not set by a dry run)",
            ),
        created: z =>
          z
            .boolean()
            .optional()
            .describe(
              'False when the schema is identical to an existing version, which is returned instead (not set by a dry run)',
            ),
        entityRef: z =>
          z.string().describe('The catalog API entity of the event type'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const schema = schemaText(ctx.input.schema);
      ctx.output('name', name);
      ctx.output('entityRef', eventTypeEntityRef(name));

      if (ctx.isDryRun) {
        const result = await registry.checkCompatibility({
          name,
          schema,
          credentials,
        });
        if (!result.compatible) {
          throw new IncompatibleSchemaError(
            `The schema is not compatible with event type '${name}'`,
            result.messages,
          );
        }
        ctx.logger.info(
          `Dry run: the schema would be accepted as a version of '${name}'; registered nothing`,
        );
        return;
      }

      // A checkpoint, so that a retried task does not register again; keyed
      // by the schema too, as one task may register several versions.
      const { version, created } = await ctx.checkpoint({
        key: `event-schemas.register-version.${name}.${createHash('sha256')
          .update(schema)
          .digest('hex')}`,
        fn: async () => {
          const result = await registry.registerVersion({
            name,
            schema,
            credentials,
          });
          return {
            created: result.created,
            version: {
              version: result.version.version,
              fingerprint: result.version.fingerprint,
            },
          };
        },
      });
      ctx.logger.info(
        created
          ? `Registered version ${version.version} of event type '${name}'`
          : `Event type '${name}' already has this schema as version ${version.version}; registered nothing new`,
      );
      ctx.output('version', version.version);
      ctx.output('fingerprint', version.fingerprint);
      ctx.output('created', created);
    },
  });
}
