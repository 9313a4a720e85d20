import { z } from 'zod/v3';

// Shapes shared by the actions' input and output schemas. The actions
// registry hands each action zod v3 (`zod/v3`), which is what these use.

/** A registered type's name, as the actions take it. */
export const eventTypeNameInput = (zod: typeof z) =>
  zod
    .string()
    .describe('The event type name, e.g. com.example.playback.started');

/**
 * A schema as the routes take it: the text as registered, or the JSON
 * value (JSON Schema or Avro), which is stored as its JSON text.
 */
export const schemaInput = (zod: typeof z) =>
  zod
    .union([zod.string(), zod.record(zod.unknown())])
    .describe(
      "The schema in the type's format (JSON Schema or Avro), as a JSON object or its text",
    );

/** A version of a type, as get-event-type and registration answer it. */
export const versionOutput = (zod: typeof z) =>
  zod.object({
    eventType: zod.string(),
    version: zod.number(),
    schema: zod.string().describe('The schema text, as registered'),
    fingerprint: zod.string(),
    createdBy: zod.string(),
    createdAt: zod.string(),
    deprecation: zod
      .object({ reason: zod.string(), successor: zod.string().optional() })
      .passthrough()
      .optional(),
  });

/** The answer of a compatibility check. */
export const compatibilityOutput = (zod: typeof z) =>
  zod.object({
    compatible: zod.boolean(),
    messages: zod
      .array(zod.string())
      .describe('Why not, when not compatible; empty otherwise'),
    problems: zod
      .array(
        zod.object({
          field: zod
            .string()
            .describe(
              "Dotted path of the field concerned (user.email), '' for the whole event",
            ),
          rule: zod
            .string()
            .describe('The keyword that changed or what happened (type, ...)'),
          message: zod.string(),
          version: zod
            .number()
            .optional()
            .describe('The earlier version compared with, when several were'),
        }),
      )
      .describe('The messages with the field each concerns, in order'),
  });
