import {
  COMPATIBILITY_MODES,
  COMPATIBILITY_SCOPES,
  EVENT_TYPE_FORMATS,
} from '../types';

// ISO 8601 durations as the registry takes them (P30D, PT4H, P1DT12H). The
// registry also refuses zero durations; a pattern cannot say that legibly.
const DURATION_PATTERN =
  '^P(?:\\d+Y)?(?:\\d+M)?(?:\\d+W)?(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?$';

const duration = {
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'An ISO 8601 duration such as P30D or PT4H.',
};

/**
 * The JSON Schema of an event type file: the registry's create request
 * (`POST /api/event-schemas/event-types`), with the schema inline as
 * `schema` or beside the file as `schemaFile`. Also published as
 * `schemas/event-type-file.schema.json` in this package, for editors
 * (`# yaml-language-server: $schema=...`) and other tools.
 *
 * @public
 */
export const EVENT_TYPE_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Event type file',
  description:
    'One event type of the event-schemas registry, kept in its owners’ repository: the fields of the registry’s create request, with the schema inline (`schema`) or in a file beside it (`schemaFile`).',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'owner', 'format'],
  oneOf: [
    { required: ['schema'], not: { required: ['schemaFile'] } },
    { required: ['schemaFile'], not: { required: ['schema'] } },
  ],
  properties: {
    $schema: {
      type: 'string',
      description: 'The URL of this JSON Schema, for editors. Ignored.',
    },
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9_-])?$',
      description:
        'The CloudEvents `type` of the events, e.g. com.example.playback.started: 1 to 128 letters, digits, dots, dashes or underscores.',
    },
    title: { type: 'string', maxLength: 255 },
    description: { type: 'string', maxLength: 10000 },
    owner: {
      type: 'string',
      maxLength: 255,
      pattern:
        '^(?:[Gg][Rr][Oo][Uu][Pp]:)?(?:[A-Za-z0-9._-]+/)?[A-Za-z0-9._-]+$',
      description:
        'The owning catalog group, e.g. group:default/playback. Its members may change the type.',
    },
    lifecycle: {
      type: 'string',
      maxLength: 255,
      pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
      default: 'experimental',
      description: 'e.g. experimental, production or deprecated.',
    },
    tags: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'string',
        maxLength: 63,
        pattern: '^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$',
      },
    },
    format: {
      enum: [...EVENT_TYPE_FORMATS],
      description: 'The schema language.',
    },
    compatibility: {
      enum: [...COMPATIBILITY_MODES],
      default: 'BACKWARD',
      description:
        'How a new schema is checked against earlier ones, as Confluent Schema Registry defines the modes.',
    },
    compatibilityScope: {
      enum: [...COMPATIBILITY_SCOPES],
      default: 'ALL',
      description:
        'Whom the compatibility mode protects: ALL fields, or only the fields the CONSUMERS in the catalog declare they read (event-schemas/fields-read).',
    },
    deprecation: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'sunsetAt'],
      properties: {
        reason: { type: 'string', minLength: 1 },
        successor: {
          type: 'string',
          description: 'The event type to send instead.',
        },
        sunsetAt: {
          type: 'string',
          description:
            'When the type is retired and refuses events (ISO 8601 date-time, in the future when first set).',
        },
      },
      description:
        'Deprecates the type: consumers are reminded before the sunset date, at which it is retired. Remove it to make the type active again.',
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      properties: { raw: duration, delivered: duration },
      description: 'How long raw and delivered partitions are kept.',
    },
    sla: {
      type: 'object',
      additionalProperties: false,
      required: ['maxLateness'],
      properties: {
        maxLateness: {
          ...duration,
          description:
            'How late an hourly partition may be delivered before the service level is missed.',
        },
      },
    },
    personalDataFields: {
      type: 'array',
      maxItems: 500,
      items: { type: 'string', minLength: 1 },
      description:
        'Dotted paths of the fields that hold personal data (user.email, contacts[].email); ingest encrypts them.',
    },
    dataSubject: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      description:
        'Dotted path of the string field naming the person an event is about; required with personalDataFields.',
    },
    schema: {
      description:
        'The schema inline: a JSON Schema or Avro schema as a YAML/JSON value, or as text.',
      type: ['object', 'array', 'string'],
    },
    schemaFile: {
      type: 'string',
      minLength: 1,
      description:
        'The schema in a file beside this one: a relative path, inside the repository (e.g. playback.started.avsc).',
    },
  },
} as const;
