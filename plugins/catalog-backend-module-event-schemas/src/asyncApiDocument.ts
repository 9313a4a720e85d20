import { JsonObject, JsonValue } from '@backstage/types';
import {
  CIPHERTEXT_PREFIX,
  PSEUDONYM_PREFIX,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

/** Events travel as CloudEvents in structured mode: one JSON envelope. */
const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';
const DEFAULT_JSON_SCHEMA_DRAFT = 'draft-07';

/**
 * Keywords whose values are instance data rather than subschemas: a `$ref`
 * inside them is data and must stay as it is.
 */
const DATA_KEYWORDS = new Set([
  'const',
  'default',
  'enum',
  'example',
  'examples',
]);
/** Keywords whose values map arbitrary names (even `enum`) to subschemas. */
const SCHEMA_MAP_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
  'dependencies',
]);

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Escapes one JSON pointer token (RFC 6901). */
function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The schema's `$ref`s to its own root (`#`, `#/definitions/x`) would resolve
 * against the AsyncAPI document once the schema is embedded in it, so they
 * are rewritten to point below `base`, where the schema now lives.
 */
function rebaseLocalRefs(schema: JsonValue, base: string): JsonValue {
  if (Array.isArray(schema)) {
    return schema.map(item => rebaseLocalRefs(item, base));
  }
  if (!isJsonObject(schema)) {
    return schema;
  }
  const rebased: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined || DATA_KEYWORDS.has(key)) {
      rebased[key] = value;
    } else if (
      key === '$ref' &&
      typeof value === 'string' &&
      (value === '#' || value.startsWith('#/'))
    ) {
      rebased[key] = `${base}${value.slice(1)}`;
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isJsonObject(value)) {
      rebased[key] = Object.fromEntries(
        Object.entries(value).map(([name, subschema]) => [
          name,
          subschema === undefined
            ? subschema
            : rebaseLocalRefs(subschema, base),
        ]),
      );
    } else {
      rebased[key] = rebaseLocalRefs(value, base);
    }
  }
  return rebased;
}

/**
 * The AsyncAPI schema format of a JSON Schema: the draft its `$schema`
 * names, draft-07 (the AsyncAPI default dialect) when it names none we know.
 */
function jsonSchemaFormat(schema: JsonValue): string {
  const uri =
    isJsonObject(schema) && typeof schema.$schema === 'string'
      ? schema.$schema
      : '';
  const draft =
    /draft-0[467]\b/.exec(uri)?.[0] ??
    /\/draft\/(2019-09|2020-12)\//.exec(uri)?.[1] ??
    DEFAULT_JSON_SCHEMA_DRAFT;
  return `application/schema+json;version=${draft}`;
}

/**
 * The annotation on a JSON Schema payload's personal properties, saying how
 * delivered data holds them: `encrypted` (a personal value) or `pseudonym`
 * (the data subject).
 */
export const PERSONAL_DATA_KEYWORD = 'x-personal-data';

/**
 * The subschema a field path (`user.email`, `contacts[].email`) names when
 * the schema declares it directly, through `properties` and single-schema
 * `items`; `undefined` when the field comes from a `$ref` or a combinator,
 * whose subschemas other fields may share and so must not be annotated.
 */
function declaredSubschema(
  schema: JsonValue,
  path: string,
): JsonObject | undefined {
  let node: JsonValue | undefined = schema;
  for (const segment of path.split('.')) {
    const name = segment.replace(/(\[\])+$/, '');
    const properties: JsonValue | undefined = isJsonObject(node)
      ? node.properties
      : undefined;
    node = isJsonObject(properties) ? properties[name] : undefined;
    for (let i = name.length; i < segment.length; i += 2) {
      node = isJsonObject(node) ? node.items : undefined;
    }
    if (!isJsonObject(node)) return undefined;
  }
  return node as JsonObject;
}

/**
 * Marks the personal properties of an embedded JSON Schema, in place. Only
 * with a data subject: without one there is no key to encrypt them with.
 */
function annotatePersonalData(schema: JsonValue, eventType: EventType): void {
  if (!eventType.dataSubject) return;
  for (const path of eventType.personalDataFields) {
    const property = declaredSubschema(schema, path);
    if (property) {
      property[PERSONAL_DATA_KEYWORD] =
        path === eventType.dataSubject ? 'pseudonym' : 'encrypted';
    }
  }
}

/** The message payload: the registered schema as a Multi Format Schema. */
function payload(options: {
  eventType: EventType;
  version: EventTypeVersion;
  schemaPointer: string;
}): JsonObject {
  const { eventType, version, schemaPointer } = options;
  const schema = JSON.parse(version.schema) as JsonValue;
  if (eventType.format === 'avro') {
    return { schemaFormat: AVRO_SCHEMA_FORMAT, schema };
  }
  // A copy: rebasing builds new objects for every subschema.
  const embedded = rebaseLocalRefs(schema, schemaPointer);
  annotatePersonalData(embedded, eventType);
  return { schemaFormat: jsonSchemaFormat(schema), schema: embedded };
}

/**
 * Markdown for the message's description: which fields hold personal data,
 * whose, and how delivered data holds them.
 */
function personalDataDescription(eventType: EventType): string | undefined {
  const { personalDataFields, dataSubject } = eventType;
  if (personalDataFields.length === 0) return undefined;
  const code = (text: string) => `\`${text}\``;
  const others = personalDataFields.filter(path => path !== dataSubject);
  const fields =
    others.length > 0
      ? ` Personal fields: ${others.map(code).join(', ')}.`
      : '';
  if (!dataSubject) {
    return `**Personal data.**${fields} The type names no data subject yet (the field that identifies the person an event is about), which encrypting them per person needs.`;
  }
  const lines = [
    `**Personal data.** Each event is about the person its ${code(
      dataSubject,
    )} field names (the data subject).${fields}`,
    `Producers send clear values. Delivered data holds each personal value as ${code(
      `${CIPHERTEXT_PREFIX}<keyId>:<ciphertext>`,
    )}, a string whatever the field's type, encrypted with the data subject's key, and the data subject as the pseudonym ${code(
      `${PSEUDONYM_PREFIX}<keyId>`,
    )}, the id of that key: the same for a person across event types, so data can be counted and joined per person without the clear id. Erasing a person deletes their key, which leaves their values unreadable in every copy.`,
  ];
  if (eventType.format === 'jsonschema') {
    lines.push(
      `In the payload schema, ${code(
        PERSONAL_DATA_KEYWORD,
      )} marks the personal properties (${code(
        'encrypted',
      )}) and the data subject (${code('pseudonym')}).`,
    );
  }
  return lines.join('\n\n');
}

/**
 * The CloudEvents context attributes a producer sends with the payload,
 * described as the message headers.
 */
function cloudEventAttributes(options: {
  eventType: EventType;
  version: EventTypeVersion;
  registryUrl: string;
}): JsonObject {
  const { eventType, version, registryUrl } = options;
  const versionUrl = `${registryUrl}/event-types/${encodeURIComponent(
    eventType.name,
  )}/versions/${version.version}`;
  return {
    type: 'object',
    description: [
      'CloudEvents 1.0 context attributes.',
      `With content type \`${CLOUDEVENTS_CONTENT_TYPE}\` (structured mode) they are members of the JSON envelope and the payload is its \`data\` member;`,
      'in binary mode they travel as protocol headers (`ce-` prefix over HTTP, `ce_` over Kafka).',
    ].join(' '),
    required: ['specversion', 'id', 'source', 'type'],
    properties: {
      specversion: {
        type: 'string',
        const: '1.0',
        description: 'The CloudEvents version.',
      },
      id: {
        type: 'string',
        minLength: 1,
        description:
          'Unique within the source; a retried event keeps its id, so that duplicates can be removed.',
      },
      source: {
        type: 'string',
        format: 'uri-reference',
        minLength: 1,
        description: 'The context the event happened in.',
        examples: ['//playback-service/eu-west-1'],
      },
      type: {
        type: 'string',
        const: eventType.name,
        description: 'The event type.',
      },
      time: {
        type: 'string',
        format: 'date-time',
        description: 'When the event happened (RFC 3339).',
      },
      dataschema: {
        type: 'string',
        format: 'uri',
        description: 'The registry URL of the schema version `data` follows.',
        examples: [versionUrl],
      },
    },
  };
}

/** Markdown for the document's description: the type's own, its deprecation. */
function documentDescription(eventType: EventType): string | undefined {
  const { description, deprecation } = eventType;
  const deprecationNote = deprecation
    ? `**Deprecated:** ${deprecation.reason}${
        deprecation.successor
          ? ` Use \`${deprecation.successor}\` instead.`
          : ''
      }`
    : undefined;
  const parts = [description, deprecationNote].filter(Boolean);
  return parts.length ? parts.join('\n\n') : undefined;
}

/** Drops the `undefined` values JSON (and the catalog) cannot hold. */
function compact(object: Record<string, JsonValue | undefined>): JsonObject {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as JsonObject;
}

/**
 * An AsyncAPI 3.0.0 document for an event type and its latest version: one
 * channel (addressed by the type name) carrying one message whose payload is
 * the registered schema, and one `send` operation for producers.
 *
 * @public
 */
export function eventTypeAsyncApiDocument(options: {
  eventType: EventType;
  /** The latest version; its schema is the message payload. */
  version: EventTypeVersion;
  /** Base URL of the registry's HTTP API, for `dataschema`. */
  registryUrl: string;
}): JsonObject {
  const { eventType, version, registryUrl } = options;
  // The type name is a valid component key (letters, digits, `.-_`).
  const channelId = eventType.name;
  const messageId = eventType.name;
  const channelPointer = `#/channels/${pointerToken(channelId)}`;
  const messagePointer = `${channelPointer}/messages/${pointerToken(
    messageId,
  )}`;

  return compact({
    asyncapi: '3.0.0',
    info: compact({
      title: eventType.name,
      version: String(version.version),
      description: documentDescription(eventType),
      tags: eventType.tags.length
        ? eventType.tags.map(name => ({ name }))
        : undefined,
    }),
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    channels: {
      [channelId]: {
        address: eventType.name,
        messages: {
          [messageId]: compact({
            name: eventType.name,
            title: eventType.title ?? eventType.name,
            contentType: CLOUDEVENTS_CONTENT_TYPE,
            deprecated: eventType.deprecation ? true : undefined,
            description: personalDataDescription(eventType),
            headers: cloudEventAttributes({ eventType, version, registryUrl }),
            payload: payload({
              eventType,
              version,
              schemaPointer: `${messagePointer}/payload/schema`,
            }),
          }),
        },
      },
    },
    operations: {
      [`send-${eventType.name}`]: {
        action: 'send',
        summary: `Send ${eventType.name} events.`,
        channel: { $ref: channelPointer },
        messages: [{ $ref: messagePointer }],
      },
    },
    'x-event-schemas': compact({
      format: eventType.format,
      fingerprint: version.fingerprint,
      compatibility: eventType.compatibility,
      retention: eventType.retention,
      sla: eventType.sla,
      personalDataFields: eventType.personalDataFields,
      dataSubject: eventType.dataSubject,
      deprecation: eventType.deprecation,
    }),
  });
}
