import { mockServices } from '@backstage/backend-test-utils';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ApiEntity,
  apiEntityV1alpha1Validator,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
} from '@backstage/catalog-model';
import { parse } from 'yaml';
import {
  ANNOTATION_EVENT_TYPE,
  ANNOTATION_EVENT_TYPE_DEPRECATED,
  ANNOTATION_EVENT_TYPE_FORMAT,
  ANNOTATION_EVENT_TYPE_LATEST_VERSION,
  eventTypeToApiEntity,
} from './apiEntity';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  makeEventType,
  makeVersion,
  PLAYBACK_STARTED_SCHEMA,
  PLAYBACK_STOPPED_AVRO,
} from './testFixtures';

// The AsyncAPI parser the API docs frontend renders with (dev dependencies).
const { Parser } = require('@asyncapi/parser');
const { AvroSchemaParser } = require('@asyncapi/avro-schema-parser');

type Diagnostic = { code: string; message: string; severity: number };

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
/** `DiagnosticSeverity.Error` of @stoplight/types. */
const ERROR = 0;

/** Parses the entity's definition the way the API docs frontend does. */
async function parseDefinition(entity: ApiEntity) {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document, diagnostics } = await parser.parse(entity.spec.definition);
  const errors = (diagnostics as Diagnostic[]).filter(
    d => d.severity === ERROR,
  );
  return { document, diagnostics: diagnostics as Diagnostic[], errors };
}

describe('eventTypeToApiEntity', () => {
  it('maps an event type to a valid API entity', async () => {
    const eventType = makeEventType();
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });

    expect(entity.metadata).toEqual({
      name: 'com.example.playback.started',
      title: 'com.example.playback.started',
      description: 'Sent when a track starts playing.',
      tags: ['playback', 'events'],
      annotations: {
        [ANNOTATION_LOCATION]:
          'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
        [ANNOTATION_ORIGIN_LOCATION]:
          'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
        [ANNOTATION_EVENT_TYPE]: 'com.example.playback.started',
        [ANNOTATION_EVENT_TYPE_FORMAT]: 'jsonschema',
        [ANNOTATION_EVENT_TYPE_LATEST_VERSION]: '2',
      },
      // The portal's pages, which a signed-in browser can open.
      links: [
        {
          url: 'http://localhost:3000/event-types/com.example.playback.started/overview',
          title: 'Event type',
        },
        {
          url: 'http://localhost:3000/event-types/com.example.playback.started/versions',
          title: 'Schema versions',
        },
        {
          url: 'http://localhost:3000/event-types/com.example.playback.started/delivery',
          title: 'Delivery',
        },
      ],
    });
    expect(entity.spec).toEqual({
      type: 'asyncapi',
      lifecycle: 'production',
      owner: 'group:default/playback',
      definition: expect.any(String),
    });

    // The checks the catalog applies before it accepts the entity.
    expect(() => entitySchemaValidator()(entity)).not.toThrow();
    await expect(apiEntityV1alpha1Validator.check(entity)).resolves.toBe(true);
    await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(
      entity,
    );
  });

  it('points a managed type at its file and shows a refused change', () => {
    const eventType = makeEventType({
      managedBy: {
        entityRef: 'component:default/playback-service',
        location:
          'https://github.com/acme/playback/tree/main/event-types/played.yaml',
        path: 'played.yaml',
      },
      lastSync: {
        syncedAt: '2026-12-07T10:00:00.000Z',
        status: 'refused',
        reasons: ['/required: property artist_id became required', 'two'],
      },
    });
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });
    const file =
      'https://github.com/acme/playback/tree/main/event-types/played.yaml';
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/view-url': file,
      'backstage.io/edit-url': file,
      'event-schemas/sync-refused':
        '/required: property artist_id became required\ntwo',
    });
    expect(entity.metadata.links).toContainEqual({
      url: file,
      title: 'Managed in played.yaml',
    });

    const unmanaged = eventTypeToApiEntity({
      eventType: makeEventType(),
      version: makeVersion(makeEventType()),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });
    expect(unmanaged.metadata.annotations).not.toHaveProperty(
      'backstage.io/edit-url',
    );
    expect(unmanaged.metadata.annotations).not.toHaveProperty(
      'event-schemas/sync-refused',
    );
  });

  it('links to the pages under eventSchemas.portal.eventTypesPath', () => {
    const eventType = makeEventType();
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: {
          app: { baseUrl: 'https://portal.example.com' },
          eventSchemas: { portal: { eventTypesPath: '/data/events' } },
        },
      }),
    });

    expect(entity.metadata.links?.map(link => link.url)).toEqual([
      'https://portal.example.com/data/events/com.example.playback.started/overview',
      'https://portal.example.com/data/events/com.example.playback.started/versions',
      'https://portal.example.com/data/events/com.example.playback.started/delivery',
    ]);
    // The registry's location is the API's, whatever the app's path.
    expect(entity.metadata.annotations?.[ANNOTATION_LOCATION]).toBe(
      `url:${REGISTRY_URL}/event-types/com.example.playback.started`,
    );
  });

  it('names a long event type by a prefix and a hash, and keeps the full name as title', () => {
    const eventType = makeEventType({
      name: `com.example.${'x'.repeat(116)}`,
    });
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });

    expect(entity.metadata.name).toHaveLength(63);
    expect(entity.metadata.title).toBe(eventType.name);
    expect(entity.metadata.annotations?.[ANNOTATION_EVENT_TYPE]).toBe(
      eventType.name,
    );
  });

  it('falls back to the title as description and omits a missing one', () => {
    const withTitle = makeEventType({ description: undefined });
    expect(
      eventTypeToApiEntity({
        eventType: withTitle,
        version: makeVersion(withTitle),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      }).metadata.description,
    ).toBe('Playback started');

    const bare = makeEventType({ description: undefined, title: undefined });
    expect(
      eventTypeToApiEntity({
        eventType: bare,
        version: makeVersion(bare),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      }).metadata,
    ).not.toHaveProperty('description');
  });

  it('sanitizes tags to the catalog rules and drops what cannot be saved', async () => {
    const eventType = makeEventType({
      tags: [
        'Playback',
        'C++',
        'user data',
        '--edge--',
        'äöü',
        'x'.repeat(64),
        'playback',
      ],
    });
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });

    expect(entity.metadata.tags).toEqual([
      'playback',
      'c++',
      'user-data',
      'edge',
    ]);
    await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(
      entity,
    );
  });

  it('marks a deprecated event type', () => {
    const eventType = makeEventType({
      deprecation: {
        reason: 'Replaced by the v2 playback events.',
        successor: 'com.example.playback.v2.started',
        deprecatedAt: '2026-11-21T10:00:00.000Z',
        deprecatedBy: 'user:default/guest',
      },
    });
    const entity = eventTypeToApiEntity({
      eventType,
      version: makeVersion(eventType),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'http://localhost:3000' } },
      }),
    });

    expect(entity.spec.lifecycle).toBe('deprecated');
    expect(
      entity.metadata.annotations?.[ANNOTATION_EVENT_TYPE_DEPRECATED],
    ).toBe('Replaced by the v2 playback events.');
    const definition = parse(entity.spec.definition);
    expect(definition.info.description).toContain(
      'Use `com.example.playback.v2.started` instead.',
    );
    expect(
      definition.channels['com.example.playback.started'].messages[
        'com.example.playback.started'
      ].deprecated,
    ).toBe(true);
  });

  describe('definition', () => {
    it('is a valid AsyncAPI 3 document embedding the JSON Schema', async () => {
      const eventType = makeEventType();
      const entity = eventTypeToApiEntity({
        eventType,
        version: makeVersion(eventType),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      });

      const { document, diagnostics, errors } = await parseDefinition(entity);
      expect(errors).toEqual([]);
      // draft-07 has a registered schema parser, so not even a warning.
      expect(diagnostics.map(d => d.message).join('\n')).not.toContain(
        'No schema parser registered',
      );

      expect(document.version()).toBe('3.0.0');
      expect(document.info().title()).toBe('com.example.playback.started');
      expect(document.info().version()).toBe('2');
      expect(document.info().description()).toBe(
        'Sent when a track starts playing.',
      );

      const channel = document.channels().all()[0];
      expect(channel.address()).toBe('com.example.playback.started');
      const operation = document.operations().all()[0];
      expect(operation.action()).toBe('send');
      expect(operation.channels().all()[0].address()).toBe(
        'com.example.playback.started',
      );

      const message = operation.messages().all()[0];
      expect(message.contentType()).toBe('application/cloudevents+json');
      expect(message.schemaFormat()).toBe(
        'application/schema+json;version=draft-07',
      );
      const payload = message.payload();
      expect(payload.required()).toEqual(['user_id', 'track_id']);
      // The schema's own `$ref` resolves inside the embedded schema.
      expect(payload.properties().track_id.pattern()).toBe('^[0-9a-zA-Z]{22}$');
      expect(Object.keys(message.headers().properties())).toEqual([
        'specversion',
        'id',
        'source',
        'type',
        'time',
        'dataschema',
      ]);
      expect(message.headers().properties().type.const()).toBe(
        'com.example.playback.started',
      );

      expect(document.extensions().get('x-event-schemas').value()).toEqual({
        format: 'jsonschema',
        fingerprint: `sha256:${'0'.repeat(64)}`,
        compatibility: 'BACKWARD',
        retention: { raw: 'P30D', delivered: 'P365D' },
        sla: { maxLateness: 'PT4H' },
        personalDataFields: ['user_id'],
        dataSubject: 'user_id',
      });
    });

    it('fails the check for an invalid schema, so the check has teeth', async () => {
      const eventType = makeEventType();
      const entity = eventTypeToApiEntity({
        eventType,
        version: makeVersion(eventType, { type: 'record' }),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      });

      const { errors } = await parseDefinition(entity);
      expect(errors.map(e => e.message)).toContainEqual(
        expect.stringContaining('"type" property must be equal to one of'),
      );
    });

    it('embeds the schema as registered, with only its local $refs moved and its personal data marked', () => {
      const eventType = makeEventType();
      const entity = eventTypeToApiEntity({
        eventType,
        version: makeVersion(eventType),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      });

      const definition = parse(entity.spec.definition);
      const message =
        definition.channels['com.example.playback.started'].messages[
          'com.example.playback.started'
        ];
      expect(message.payload).toEqual({
        schemaFormat: 'application/schema+json;version=draft-07',
        schema: {
          ...PLAYBACK_STARTED_SCHEMA,
          properties: {
            ...PLAYBACK_STARTED_SCHEMA.properties,
            user_id: {
              ...PLAYBACK_STARTED_SCHEMA.properties.user_id,
              'x-personal-data': 'pseudonym',
            },
            track_id: {
              $ref: '#/channels/com.example.playback.started/messages/com.example.playback.started/payload/schema/definitions/trackId',
            },
          },
        },
      });
      expect(definition.operations).toEqual({
        'send-com.example.playback.started': {
          action: 'send',
          summary: 'Send com.example.playback.started events.',
          channel: { $ref: '#/channels/com.example.playback.started' },
          messages: [
            {
              $ref: '#/channels/com.example.playback.started/messages/com.example.playback.started',
            },
          ],
        },
      });
    });

    it('says how delivered data holds personal data, and marks the properties the schema declares directly', async () => {
      const eventType = makeEventType({
        personalDataFields: [
          'user.email',
          'contacts[].phone',
          'home',
          'billing.zip',
          'user.id',
        ],
        dataSubject: 'user.id',
      });
      const address = {
        type: 'object',
        properties: { zip: { type: 'string' } },
      };
      const entity = eventTypeToApiEntity({
        eventType,
        version: makeVersion(eventType, {
          type: 'object',
          definitions: { address },
          properties: {
            user: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                email: { type: 'string' },
              },
            },
            contacts: {
              type: 'array',
              items: {
                type: 'object',
                properties: { phone: { type: 'string' } },
              },
            },
            home: { $ref: '#/definitions/address' },
            billing: { $ref: '#/definitions/address' },
            shipping: { $ref: '#/definitions/address' },
          },
        }),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      });

      const { document, errors } = await parseDefinition(entity);
      expect(errors).toEqual([]);
      const description = document.messages().all()[0].description();
      expect(description).toContain(
        'Each event is about the person its `user.id` field names (the data subject).',
      );
      expect(description).toContain(
        'Personal fields: `user.email`, `contacts[].phone`, `home`, `billing.zip`.',
      );
      expect(description).toContain('`pd1:<keyId>:<ciphertext>`');
      expect(description).toContain('the pseudonym `ps1:<keyId>`');
      expect(
        document.extensions().get('x-event-schemas').value(),
      ).toMatchObject({
        personalDataFields: eventType.personalDataFields,
        dataSubject: 'user.id',
      });

      const schema = parse(entity.spec.definition).channels[
        'com.example.playback.started'
      ].messages['com.example.playback.started'].payload.schema;
      expect(schema.properties.user.properties).toEqual({
        id: { type: 'string', 'x-personal-data': 'pseudonym' },
        email: { type: 'string', 'x-personal-data': 'encrypted' },
      });
      expect(schema.properties.contacts.items.properties.phone).toEqual({
        type: 'string',
        'x-personal-data': 'encrypted',
      });
      // The property itself is marked; the shared definition, which
      // `shipping` uses too, is not, so `billing.zip` stays unmarked.
      expect(schema.properties.home).toEqual({
        $ref: '#/channels/com.example.playback.started/messages/com.example.playback.started/payload/schema/definitions/address',
        'x-personal-data': 'encrypted',
      });
      expect(schema.definitions).toEqual({ address });
    });

    it('says nothing of personal data for a type without any, and marks none without a data subject', () => {
      const definitionOf = (eventType: EventType) =>
        parse(
          eventTypeToApiEntity({
            eventType,
            version: makeVersion(eventType),
            registryUrl: REGISTRY_URL,
            config: mockServices.rootConfig({
              data: { app: { baseUrl: 'http://localhost:3000' } },
            }),
          }).spec.definition,
        ).channels['com.example.playback.started'].messages[
          'com.example.playback.started'
        ];

      const none = definitionOf(
        makeEventType({ personalDataFields: [], dataSubject: undefined }),
      );
      expect(none.description).toBeUndefined();
      expect(none.payload.schema).toEqual({
        ...PLAYBACK_STARTED_SCHEMA,
        properties: expect.objectContaining({
          user_id: PLAYBACK_STARTED_SCHEMA.properties.user_id,
        }),
      });

      // Registered before data subjects existed: nothing encrypts it yet.
      const withoutSubject = definitionOf(
        makeEventType({ dataSubject: undefined }),
      );
      expect(withoutSubject.description).toContain(
        'The type names no data subject yet',
      );
      expect(withoutSubject.description).not.toContain('pd1:');
      expect(withoutSubject.payload.schema.properties.user_id).toEqual(
        PLAYBACK_STARTED_SCHEMA.properties.user_id,
      );
    });

    it('is a valid AsyncAPI 3 document embedding the Avro schema', async () => {
      const eventType = makeEventType({
        name: 'com.example.playback.stopped',
        format: 'avro',
      });
      const entity = eventTypeToApiEntity({
        eventType,
        version: makeVersion(eventType, PLAYBACK_STOPPED_AVRO),
        registryUrl: REGISTRY_URL,
        config: mockServices.rootConfig({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      });

      const { document, diagnostics, errors } = await parseDefinition(entity);
      expect(errors).toEqual([]);
      expect(diagnostics.map(d => d.message).join('\n')).not.toContain(
        'No schema parser registered',
      );

      const message = document.messages().all()[0];
      expect(message.schemaFormat()).toBe(
        'application/vnd.apache.avro+json;version=1.9.0',
      );
      // The Avro schema parser turned the record into a JSON Schema.
      expect(Object.keys(message.payload().properties())).toEqual([
        'user_id',
        'track_id',
        'position_ms',
        'reason',
      ]);
      expect(message.payload().properties().reason.enum()).toEqual([
        'USER',
        'END',
        'ERROR',
      ]);
      expect(
        parse(entity.spec.definition).channels['com.example.playback.stopped']
          .messages['com.example.playback.stopped'].payload.schema,
      ).toEqual(PLAYBACK_STOPPED_AVRO);
    });

    it.each([
      ['http://json-schema.org/draft-04/schema#', 'draft-04'],
      ['http://json-schema.org/draft-06/schema#', 'draft-06'],
      ['https://json-schema.org/draft/2019-09/schema', '2019-09'],
      ['https://json-schema.org/draft/2020-12/schema', '2020-12'],
      ['https://example.com/my-dialect', 'draft-07'],
    ])(
      'declares the JSON Schema draft of $schema %s as %s',
      async ($schema, draft) => {
        const eventType = makeEventType();
        const entity = eventTypeToApiEntity({
          eventType,
          version: makeVersion(eventType, {
            $schema,
            type: 'object',
            properties: { user_id: { type: 'string' } },
          }),
          registryUrl: REGISTRY_URL,
          config: mockServices.rootConfig({
            data: { app: { baseUrl: 'http://localhost:3000' } },
          }),
        });

        const { document, errors } = await parseDefinition(entity);
        expect(errors).toEqual([]);
        expect(document.messages().all()[0].schemaFormat()).toBe(
          `application/schema+json;version=${draft}`,
        );
      },
    );
  });
});
