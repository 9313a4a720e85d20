import { mockServices } from '@backstage/backend-test-utils';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { EventTypePolicies, formatDuration } from './EventTypePolicies';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function eventType(overrides: Partial<EventType> = {}): EventType {
  return {
    name: 'com.example.playback.started',
    owner: 'group:default/playback',
    lifecycle: 'production',
    tags: [],
    format: 'jsonschema',
    compatibility: 'BACKWARD',
    retention: { raw: 'P7D', delivered: 'P90D' },
    sla: { maxLateness: 'PT4H' },
    personalDataFields: [],
    latestVersion: 1,
    createdBy: 'user:default/ana',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

function fakeRegistry(types: Record<string, EventType | Error>) {
  const getEventType = jest.fn(async (name: string) => {
    const found = types[name];
    if (found instanceof Error) throw found;
    return found;
  });
  const registry: Pick<EventTypeReader, 'getEventType'> = { getEventType };
  return { registry, getEventType };
}

describe('EventTypePolicies', () => {
  const defaults = {
    maxLatenessMs: 3 * HOUR,
    rawRetentionMs: 14 * DAY,
    deliveredRetentionMs: undefined,
  };

  it('reads the owner, SLA and retention of a registered type', async () => {
    const { registry } = fakeRegistry({
      'com.example.playback.started': eventType(),
    });
    const policies = new EventTypePolicies({
      eventTypes: registry,
      defaults,
      logger: mockServices.logger.mock(),
    });
    expect(await policies.get('com.example.playback.started')).toEqual({
      eventType: 'com.example.playback.started',
      owner: 'group:default/playback',
      registered: true,
      maxLatenessMs: 4 * HOUR,
      maxLateness: 'PT4H',
      slaSource: 'registry',
      retention: {
        rawMs: 7 * DAY,
        deliveredMs: 90 * DAY,
        raw: 'P7D',
        delivered: 'P90D',
      },
    });
  });

  it('gives an unregistered (deleted) type the defaults and no owner', async () => {
    const { registry } = fakeRegistry({});
    const policies = new EventTypePolicies({
      eventTypes: registry,
      defaults,
      logger: mockServices.logger.mock(),
    });
    expect(await policies.get('com.example.gone')).toEqual({
      eventType: 'com.example.gone',
      registered: false,
      maxLatenessMs: 3 * HOUR,
      maxLateness: 'PT3H (default)',
      slaSource: 'default',
      retention: {
        rawMs: 14 * DAY,
        deliveredMs: undefined,
        raw: 'P14D (default)',
        delivered: undefined,
      },
    });
  });

  it('logs a duration that does not parse and uses the default', async () => {
    const { registry } = fakeRegistry({
      'com.example.bad': eventType({
        name: 'com.example.bad',
        sla: { maxLateness: 'four hours' },
        retention: { raw: 'P0D', delivered: 'P30D' },
      }),
    });
    const logger = mockServices.logger.mock();
    const policies = new EventTypePolicies({
      eventTypes: registry,
      defaults,
      logger,
    });
    const policy = await policies.get('com.example.bad');
    expect(policy).toMatchObject({
      owner: 'group:default/playback',
      maxLatenessMs: 3 * HOUR,
      slaSource: 'default',
      retention: {
        rawMs: 14 * DAY,
        deliveredMs: 30 * DAY,
        raw: 'P14D (default)',
        delivered: 'P30D',
      },
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("sla.maxLateness 'four hours'"),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("retention.raw 'P0D'"),
    );
  });

  it('caches for the TTL, and forgets a type on request', async () => {
    const { registry, getEventType } = fakeRegistry({
      'com.example.playback.started': eventType(),
    });
    let now = new Date('2026-11-23T10:00:00Z');
    const policies = new EventTypePolicies({
      eventTypes: registry,
      defaults,
      logger: mockServices.logger.mock(),
      ttlMs: 60_000,
      now: () => now,
    });
    await policies.get('com.example.playback.started');
    await policies.get('com.example.playback.started');
    expect(getEventType).toHaveBeenCalledTimes(1);

    now = new Date(now.getTime() + 61_000);
    await policies.get('com.example.playback.started');
    expect(getEventType).toHaveBeenCalledTimes(2);

    policies.forget('com.example.playback.started');
    await policies.get('com.example.playback.started');
    expect(getEventType).toHaveBeenCalledTimes(3);
  });

  it('throws when the registry cannot be reached, and caches nothing', async () => {
    const types: Record<string, EventType | Error> = {
      'com.example.playback.started': new Error('connect ECONNREFUSED'),
    };
    const { registry } = fakeRegistry(types);
    const policies = new EventTypePolicies({
      eventTypes: registry,
      defaults,
      logger: mockServices.logger.mock(),
    });
    await expect(policies.get('com.example.playback.started')).rejects.toThrow(
      'ECONNREFUSED',
    );
    types['com.example.playback.started'] = eventType();
    await expect(
      policies.get('com.example.playback.started'),
    ).resolves.toMatchObject({ slaSource: 'registry' });
  });

  it('formats durations in ISO 8601', () => {
    expect(formatDuration(7 * DAY)).toBe('P7D');
    expect(formatDuration(4 * HOUR)).toBe('PT4H');
    expect(formatDuration(DAY + 30 * 60_000)).toBe('P1DT30M');
    expect(formatDuration(1500)).toBe('PT1.5S');
    expect(formatDuration(0)).toBe('PT0S');
  });
});
