import { mockServices } from '@backstage/backend-test-utils';
import {
  EventTransport,
  TransportEvent,
} from '@internal/plugin-delivery-pipeline-node';
import {
  EventType,
  EventTypeVersion,
} from '@internal/plugin-event-schemas-common';
import fs from 'node:fs';
import path from 'node:path';
import { FailedEventStore, NewFailedEvent } from '../database/FailedEventStore';
import { DEFAULT_BINDING_LIMITS } from '../ingest/binding';
import { IngestService } from '../ingest/IngestService';
import { trustedProducer } from '../ingest/ProducerAuthorization';
import {
  closeMemoryDatabases,
  testKeychain,
} from '../personalData/__testUtils__/testKeychain';
import { PersonalDataProtector } from '../personalData/PersonalDataProtector';
import { EventTypeValidators } from '../registry/EventTypeValidators';
import { RegistryClient } from '../registry/RegistryClient';
import { DemoTraffic } from './DemoTraffic';
import { seededRandom } from './random';

/** The registry as its demo data registers examples/event-types. */
function exampleRegistry(): RegistryClient {
  const dir = path.resolve(__dirname, '../../../examples/event-types');
  const types = new Map<string, { eventType: EventType; schemas: unknown[] }>();
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.json'))) {
    const {
      schema,
      versions = [],
      ...example
    } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const schemas = [schema, ...versions];
    types.set(example.name, {
      eventType: {
        retention: { raw: 'P7D', delivered: 'P30D' },
        sla: { maxLateness: 'PT4H' },
        tags: [],
        personalDataFields: [],
        ...example,
        latestVersion: schemas.length,
        createdBy: 'service:demo-data',
        createdAt: '2026-11-24T00:00:00Z',
        updatedAt: '2026-11-24T00:00:00Z',
      },
      schemas,
    });
  }
  return {
    async getEventType(name) {
      return types.get(name)?.eventType;
    },
    async getVersion(name, version): Promise<EventTypeVersion | undefined> {
      const schema = types.get(name)?.schemas[version - 1];
      return schema
        ? {
            eventType: name,
            version,
            schema: JSON.stringify(schema),
            fingerprint: 'sha256:0',
            createdBy: 'service:demo-data',
            createdAt: '2026-11-24T00:00:00Z',
          }
        : undefined;
    },
  };
}

// A minute of traffic through the real ingest, keychain included: seconds
// alone, more on a busy machine.
jest.setTimeout(60_000);

describe('DemoTraffic through the real ingest', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T12:00:00Z') });
  });

  afterEach(async () => {
    jest.useRealTimers();
    await closeMemoryDatabases();
  });

  it('is accepted, except for the invalid events, which become failed events', async () => {
    const published: TransportEvent[] = [];
    const failed: NewFailedEvent[] = [];
    const { keychain } = await testKeychain();
    const ingest = new IngestService({
      validators: new EventTypeValidators({ registry: exampleRegistry() }),
      transport: {
        publish: async (events: TransportEvent[]) => {
          published.push(...events);
        },
      } as Partial<EventTransport> as EventTransport,
      personalData: new PersonalDataProtector({ keychain }),
      failedEvents: {
        add: async (events: NewFailedEvent[]) => {
          failed.push(...events);
        },
      } as Partial<FailedEventStore> as FailedEventStore,
      limits: DEFAULT_BINDING_LIMITS,
      maxFailedPayloadBytes: 65_536,
    });
    const logger = mockServices.logger.mock();
    const traffic = new DemoTraffic({
      send: request =>
        ingest.ingest({
          ...request,
          producer: trustedProducer(request.producer),
        }),
      logger,
      eventsPerSecond: 200,
      random: seededRandom(11),
    });

    traffic.start();
    await jest.advanceTimersByTimeAsync(60_000);
    await traffic.stop();

    const total = published.length + failed.length;
    expect(total).toBeGreaterThan(11_900);
    expect(failed.length / total).toBeGreaterThan(0.007);
    expect(failed.length / total).toBeLessThan(0.013);
    for (const event of failed) {
      expect(event).toMatchObject({
        producer: 'demo-traffic',
        reason: expect.stringMatching(/^data does not follow version \d of/),
        eventType: expect.stringMatching(/^com\.example\./),
      });
    }
    // The deduplication key repeats for resends and conflicts.
    const keys = published.map(event => {
      const { source, id } = JSON.parse(event.line);
      return `${source} ${id}`;
    });
    const repeated = keys.length - new Set(keys).size;
    expect(repeated / total).toBeGreaterThan(0.03);
    expect(repeated / total).toBeLessThan(0.04);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
