import { EventType } from '@data-collection/plugin-event-schemas-common';
import { EventTypeValidators } from '../registry/EventTypeValidators';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { ParseItem } from './binding';
import { checkAgainstRegistry } from './checkAgainstRegistry';
import { Producer } from './ProducerAuthorization';

/**
 * May send every type (who may produce is tested elsewhere), and records
 * which types it was asked about: deciding may cost a registry look-up each.
 */
function anyProducer() {
  const asked = new Set<string>();
  const producer: Producer = {
    name: 'user:default/alice',
    refusals: async events => {
      events.forEach(event => asked.add(event.type));
      return events.map(() => undefined);
    },
  };
  return { producer, asked };
}

function countingRegistry() {
  const registry: jest.Mocked<
    Pick<EventTypeReader, 'getEventType' | 'getVersion'>
  > = {
    getEventType: jest.fn(async name =>
      name === 'com.example.known'
        ? ({
            name,
            format: 'jsonschema',
            latestVersion: 1,
            personalDataFields: [],
          } as unknown as EventType)
        : undefined,
    ),
    // Ingest asks for numbered versions only; the latest is version 1.
    getVersion: jest.fn(async (_name, version) => ({
      eventType: 'com.example.known',
      version: version === 'latest' ? 1 : version,
      schema: '{"type":"object"}',
      fingerprint: 'sha256:x',
      createdBy: 'user:default/alice',
      createdAt: new Date(0).toISOString(),
    })),
  };
  return registry;
}

function item(
  index: number,
  type: string,
  extra: Record<string, unknown> = {},
): ParseItem {
  const event = {
    specversion: '1.0' as const,
    id: `e${index}`,
    source: '/test',
    type,
    data: {},
    ...extra,
  };
  return {
    index,
    ok: true,
    parsed: { event, json: JSON.stringify(event) },
  };
}

describe('checkAgainstRegistry', () => {
  it('looks each distinct type up once per batch, and unknown types again only after a while', async () => {
    const registry = countingRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    const items = Array.from({ length: 300 }, (_, i) =>
      item(
        i,
        ['com.example.unknown1', 'com.example.unknown2', 'com.example.known'][
          i % 3
        ],
      ),
    );
    const first = await checkAgainstRegistry({
      items,
      producer: anyProducer().producer,
      validators,
    });
    expect(first.accepted).toHaveLength(100);
    expect(first.rejected).toHaveLength(200);
    expect(first.rejected[0].reason).toMatch(/^Unknown event type/);
    expect(registry.getEventType).toHaveBeenCalledTimes(3);
    expect(registry.getVersion).toHaveBeenCalledTimes(1);

    // A flood of the same unknown types is answered from the negative cache.
    await checkAgainstRegistry({
      items,
      producer: anyProducer().producer,
      validators,
    });
    expect(registry.getEventType).toHaveBeenCalledTimes(3);
  });

  it('looks up at most 100 distinct types per request, rejecting events of more', async () => {
    const registry = countingRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    const { producer, asked } = anyProducer();
    const { rejected } = await checkAgainstRegistry({
      items: Array.from({ length: 1000 }, (_, i) =>
        item(i, `com.example.made-up-${i}`),
      ),
      producer,
      validators,
    });
    expect(rejected).toHaveLength(1000);
    expect(registry.getEventType).toHaveBeenCalledTimes(100);
    // Who may produce was decided for those 100 types only; the events of
    // the others are refused, so never kept as failed events.
    expect(asked.size).toBe(100);
    expect(rejected[100]).toMatchObject({
      reason:
        "A request may hold events of at most 100 event types; send events of 'com.example.made-up-100' in another request",
      refused: true,
    });
  });

  it('refuses names that are not valid event type names without asking the registry', async () => {
    const registry = countingRegistry();
    const { producer, asked } = anyProducer();
    const validators = new EventTypeValidators({ eventTypes: registry });
    const { accepted, rejected } = await checkAgainstRegistry({
      items: ['.', '..', '.hidden', 'a/b', '-x', ''].map((type, i) =>
        item(i, type),
      ),
      producer,
      validators,
    });
    expect(accepted).toEqual([]);
    expect(rejected).toHaveLength(6);
    for (const rejection of rejected) {
      expect(rejection.reason).toMatch(/is not a valid name: must be 1 to 128/);
    }
    expect(registry.getEventType).not.toHaveBeenCalled();
    expect(asked.size).toBe(0);
  });

  it('rejects a dataschema with a malformed percent escape as the event’s fault', async () => {
    const registry = countingRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    const { accepted, rejected } = await checkAgainstRegistry({
      items: [
        item(0, 'com.example.known', {
          dataschema:
            'https://portal/api/event-schemas/event-types/%E0%A4%A/versions/1',
        }),
      ],
      producer: anyProducer().producer,
      validators,
    });
    expect(accepted).toEqual([]);
    expect(rejected[0].reason).toMatch(/malformed percent escape/);
  });

  it('reads a dataschema URL shared by a batch once, judging each event by its own type', async () => {
    const registry = countingRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    const url =
      'https://portal/api/event-schemas/event-types/com.example.known/versions/1';
    const other = 'https://portal/schemas/known.json';
    const { accepted, rejected } = await checkAgainstRegistry({
      items: [
        item(0, 'com.example.known', { dataschema: url }),
        item(1, 'com.example.other', { dataschema: url }),
        item(2, 'com.example.known', { dataschema: url }),
        item(3, 'com.example.known', { dataschema: other }),
        item(4, 'com.example.other', { dataschema: other }),
        item(5, 'Not A Name', { dataschema: url }),
      ],
      producer: anyProducer().producer,
      validators,
    });
    expect(accepted.map(event => event.index)).toEqual([0, 2]);
    expect(rejected.map(({ index, reason }) => [index, reason])).toEqual([
      [
        1,
        "dataschema names event type 'com.example.known' but the event's type is 'com.example.other'",
      ],
      [
        3,
        `dataschema '${other}' is not a schema registry version URL (…/api/event-schemas/event-types/com.example.known/versions/<n>); leave it out to use the latest version`,
      ],
      [
        4,
        `dataschema '${other}' is not a schema registry version URL (…/api/event-schemas/event-types/com.example.other/versions/<n>); leave it out to use the latest version`,
      ],
      [
        5,
        expect.stringMatching(/^Event type 'Not A Name' is not a valid name/),
      ],
    ]);
    expect(registry.getVersion).toHaveBeenCalledTimes(1);
  });

  const TRACK_REF =
    'http://localhost:7007/api/event-schemas/event-types/com.example.track/versions/1';
  const referencing = {
    jsonschema: {
      'com.example.track': {
        type: 'object',
        properties: { track_id: { type: 'string', minLength: 3 } },
        required: ['track_id'],
      },
      'com.example.playlist': {
        type: 'object',
        properties: { first: { $ref: TRACK_REF } },
        required: ['first'],
      },
      invalid: '/first/track_id must NOT have fewer than 3 characters',
    },
    avro: {
      'com.example.track': {
        type: 'record',
        name: 'com.example.Track',
        fields: [{ name: 'track_id', type: 'string' }],
      },
      'com.example.playlist': {
        type: 'record',
        name: 'com.example.Playlist',
        fields: [
          { name: 'first', type: TRACK_REF },
          { name: 'more', type: { type: 'array', items: TRACK_REF } },
        ],
      },
      invalid: '/more/0/track_id',
    },
  };

  it.each(['jsonschema', 'avro'] as const)(
    'validates with the schemas a version references (%s), read from the registry',
    async format => {
      const { invalid, ...schemas } = referencing[format] as Record<
        string,
        unknown
      >;
      const registry: jest.Mocked<
        Pick<EventTypeReader, 'getEventType' | 'getVersion'>
      > = {
        getEventType: jest.fn(async name =>
          schemas[name]
            ? ({
                name,
                format,
                latestVersion: 1,
                personalDataFields: [],
              } as unknown as EventType)
            : undefined,
        ),
        getVersion: jest.fn(async (name, version) =>
          schemas[name] && version === 1
            ? {
                eventType: name,
                version: 1,
                schema: JSON.stringify(schemas[name]),
                fingerprint: 'sha256:x',
                createdBy: 'user:default/alice',
                createdAt: new Date(0).toISOString(),
              }
            : undefined,
        ),
      };
      const validators = new EventTypeValidators({ eventTypes: registry });
      const data = (trackId: string) =>
        format === 'avro'
          ? { first: { track_id: 'abc' }, more: [{ track_id: trackId }] }
          : { first: { track_id: trackId } };
      const { accepted, rejected } = await checkAgainstRegistry({
        items: [
          item(0, 'com.example.playlist', { data: data('abc') }),
          item(1, 'com.example.playlist', {
            data: format === 'avro' ? data(7 as never) : data('a'),
          }),
        ],
        producer: anyProducer().producer,
        validators,
      });
      expect(accepted.map(a => a.index)).toEqual([0]);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].index).toBe(1);
      expect(rejected[0].reason).toContain(invalid as string);
      expect(registry.getVersion).toHaveBeenCalledWith('com.example.track', 1);
    },
  );
});
