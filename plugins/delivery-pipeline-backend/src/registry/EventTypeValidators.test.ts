import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeValidators } from './EventTypeValidators';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';

const schema = (required: string[]) =>
  JSON.stringify({
    type: 'object',
    required,
    properties: { a: { type: 'string' }, b: { type: 'string' } },
  });

function fakeRegistry() {
  const eventType = {
    name: 'com.example.a',
    format: 'jsonschema',
    latestVersion: 2,
  } as EventType;
  const versions: Record<number, string> = {
    1: schema(['a']),
    2: schema(['a', 'b']),
  };
  const registry: jest.Mocked<
    Pick<EventTypeReader, 'getEventType' | 'getVersion'>
  > = {
    getEventType: jest.fn(async name =>
      name === eventType.name ? { ...eventType } : undefined,
    ),
    // Ingest asks for numbered versions only.
    getVersion: jest.fn(async (_name, version) =>
      typeof version === 'number' && versions[version]
        ? ({ version, schema: versions[version] } as EventTypeVersion)
        : undefined,
    ),
  };
  return { registry, eventType, versions };
}

describe('EventTypeValidators', () => {
  it('refuses a retired type naming its successor, and accepts a deprecated one', async () => {
    const { registry, eventType } = fakeRegistry();
    const deprecation = {
      reason: 'Replaced',
      successor: 'com.example.b',
      sunsetAt: '2027-01-01T00:00:00.000Z',
      deprecatedAt: '2026-12-01T00:00:00.000Z',
      deprecatedBy: 'user:default/alice',
    };
    registry.getEventType.mockResolvedValueOnce({ ...eventType, deprecation });
    const validators = new EventTypeValidators({ eventTypes: registry });
    expect('validate' in (await validators.get('com.example.a'))).toBe(true);

    validators.forget('com.example.a');
    registry.getEventType.mockResolvedValueOnce({
      ...eventType,
      deprecation: { ...deprecation, retiredAt: '2027-01-01T00:01:00.000Z' },
    });
    expect(await validators.get('com.example.a', 1)).toEqual({
      reason:
        "Event type 'com.example.a' was retired on 2027-01-01T00:01:00.000Z; send com.example.b instead",
      retired: true,
    });
  });

  it('refuses events of a version registered with a pattern RE2 cannot run, compiling it once', async () => {
    const { registry, versions } = fakeRegistry();
    // Accepted before patterns ran on RE2, which has no lookaround.
    versions[2] = JSON.stringify({ type: 'string', pattern: '^(?=a)' });
    const validators = new EventTypeValidators({ eventTypes: registry });
    for (let i = 0; i < 3; i++) {
      const lookup = await validators.get('com.example.a');
      expect(lookup).toEqual({
        reason: expect.stringMatching(
          /^Version 2 of event type 'com.example.a' cannot validate events: .*; register a new version$/,
        ),
      });
    }
    expect(registry.getVersion).toHaveBeenCalledTimes(1);
    const first = await validators.get('com.example.a', 1);
    expect('validate' in first).toBe(true);
  });

  it('validates against the latest version or the one asked for', async () => {
    const { registry } = fakeRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });

    const latest = await validators.get('com.example.a');
    if ('reason' in latest) throw new Error(latest.reason);
    expect(latest.version).toBe(2);
    expect(latest.validate({ a: 'x' }).valid).toBe(false);

    const first = await validators.get('com.example.a', 1);
    if ('reason' in first) throw new Error(first.reason);
    expect(first.validate({ a: 'x' })).toEqual({ valid: true, errors: [] });
  });

  it('compiles each version once and looks types up again after a change', async () => {
    const { registry, eventType, versions } = fakeRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    await Promise.all(
      Array.from({ length: 50 }, () => validators.get('com.example.a')),
    );
    expect(registry.getEventType).toHaveBeenCalledTimes(1);
    expect(registry.getVersion).toHaveBeenCalledTimes(1);

    versions[3] = schema([]);
    eventType.latestVersion = 3;
    // Still the cached type until the registry announces the change.
    expect(await validators.get('com.example.a')).toMatchObject({
      version: 2,
    });
    validators.forget('com.example.a');
    expect(await validators.get('com.example.a')).toMatchObject({
      version: 3,
    });
  });

  it('explains unknown types and versions', async () => {
    const { registry } = fakeRegistry();
    const validators = new EventTypeValidators({ eventTypes: registry });
    expect(await validators.get('com.example.nope')).toEqual({
      reason:
        "Unknown event type 'com.example.nope': register it in the schema registry before sending events of it",
    });
    expect(await validators.get('com.example.a', 7)).toEqual({
      reason: "Event type 'com.example.a' has no version 7; its latest is 2",
    });
  });

  it('does not cache a failed registry lookup', async () => {
    const { registry } = fakeRegistry();
    registry.getEventType.mockRejectedValueOnce(new Error('registry down'));
    const validators = new EventTypeValidators({ eventTypes: registry });
    await expect(validators.get('com.example.a')).rejects.toThrow(
      'registry down',
    );
    await expect(validators.get('com.example.a')).resolves.toMatchObject({
      version: 2,
    });
  });

  describe('while the registry cannot be reached (stale-if-error)', () => {
    const down = () => Promise.reject(new Error('connect ECONNREFUSED'));

    /** Validators of the fake registry on a clock the test moves. */
    function staleValidators(staleIfErrorMs?: number) {
      const fake = fakeRegistry();
      const clock = { now: 0 };
      const onStale = jest.fn();
      const validators = new EventTypeValidators({
        eventTypes: fake.registry,
        typeTtlMs: 5_000,
        staleIfErrorMs,
        onStale,
        now: () => clock.now,
      });
      return { ...fake, clock, onStale, validators };
    }

    it('goes on with a type as last read, for staleIfErrorMs after the read, then fails', async () => {
      const { registry, clock, onStale, validators } = staleValidators(60_000);
      expect(await validators.get('com.example.a')).toMatchObject({
        version: 2,
      });
      registry.getEventType.mockImplementation(down);

      clock.now = 30_000; // past the type's TTL: read again, which fails
      expect(await validators.get('com.example.a')).toMatchObject({
        version: 2,
      });
      expect(registry.getEventType).toHaveBeenCalledTimes(2);
      expect(onStale).toHaveBeenCalledWith(
        'com.example.a',
        expect.objectContaining({ message: 'connect ECONNREFUSED' }),
      );
      // The stale answer is kept for the TTL, not asked for per event.
      clock.now = 32_000;
      await validators.get('com.example.a');
      expect(registry.getEventType).toHaveBeenCalledTimes(2);

      // A minute after the last successful read: no more.
      clock.now = 60_001;
      await expect(validators.get('com.example.a')).rejects.toThrow(
        'ECONNREFUSED',
      );
    });

    it('fails for a type never read, a type the registry announced a change of, and when turned off', async () => {
      const { registry, validators } = staleValidators(60_000);
      await validators.get('com.example.a');
      registry.getEventType.mockImplementation(down);
      await expect(validators.get('com.example.other')).rejects.toThrow(
        'ECONNREFUSED',
      );
      // Retired, say: what was last read is no longer what it is.
      validators.forget('com.example.a');
      await expect(validators.get('com.example.a')).rejects.toThrow(
        'ECONNREFUSED',
      );

      const off = staleValidators();
      await off.validators.get('com.example.a');
      off.registry.getEventType.mockImplementation(down);
      off.clock.now = 6_000;
      await expect(off.validators.get('com.example.a')).rejects.toThrow(
        'ECONNREFUSED',
      );
    });

    it('reads the registry again once it answers', async () => {
      const { registry, eventType, clock, validators } =
        staleValidators(60_000);
      await validators.get('com.example.a');
      registry.getEventType.mockImplementationOnce(down);
      clock.now = 6_000;
      expect(await validators.get('com.example.a')).toMatchObject({
        version: 2,
      });
      eventType.latestVersion = 1;
      clock.now = 12_000;
      expect(await validators.get('com.example.a')).toMatchObject({
        version: 1,
      });
    });
  });
});
