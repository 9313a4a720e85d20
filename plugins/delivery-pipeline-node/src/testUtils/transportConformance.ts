/* eslint-disable jest/no-export */
// Registers jest tests (`it.each`, `expect`, `afterEach` are jest's globals
// when the caller's test file runs), so this package needs no jest at run
// time: only test files import it, through the `/testUtils` subpath.
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  ClaimExpiredError,
  EventClaim,
  EventTransport,
  TransportEvent,
  TransportFullError,
} from '../transport';

/**
 * The backlog bounds a harness opens its transport with.
 *
 * @public
 */
export type TransportConformanceBounds = {
  maxBacklogEvents: number;
  maxBacklogBytes: number;
};

/**
 * Fresh, empty storage for one test of {@link describeTransportConformance}.
 *
 * @public
 */
export type TransportHarness = {
  /**
   * A transport on this storage. Opening it again after closing the first
   * is a restart: the new transport must find what the old one kept.
   */
  open(bounds: TransportConformanceBounds): Promise<EventTransport>;
  /**
   * Lets at least `ms` pass on the transport's clock, long enough for a
   * lease of `ms` to end and its events to be offered again. Default: a
   * real wait. A transport whose leases are coarser (Pub/Sub's ack
   * deadlines are at least 10 seconds) moves a test clock instead.
   */
  passTime?(ms: number): Promise<void>;
  /** The transport's clock; default `Date.now`. */
  now?(): number;
};

/**
 * What a transport's test states about it where transports legitimately
 * differ. The defaults are the strictest: what the built-in local and
 * database transports promise.
 *
 * @public
 */
export type TransportConformanceOptions = {
  /**
   * Claims offer the oldest publishes first, each publish whole, as a
   * transport that stores a publish as one chunk does. Default `true`.
   * With `false` (Pub/Sub keeps no order and leases messages one by one)
   * the suite checks instead that every event is claimed once, no claim
   * holds more than `maxEvents`, and each claim is sorted by receive time.
   */
  ordered?: boolean;
  /**
   * `backlog()` counts exactly what is held and its `oldestReceivedAt` is
   * the oldest receive time held. Default `true`. With `false` (Pub/Sub's
   * backlog comes from Cloud Monitoring, which knows publish times, not
   * receive times) `oldestReceivedAt` may be any time no later than it.
   */
  exactBacklog?: boolean;
  /**
   * The low watermark is exactly the oldest receive time not acknowledged.
   * Default `true`. With `false` (Pub/Sub derives it from sampled message
   * ages, less a margin for publishes in flight and clock skew) it must
   * stay at or below it, and pass the events' receive times once they are
   * acknowledged and time has passed.
   */
  exactWatermark?: boolean;
};

const roomy: TransportConformanceBounds = {
  maxBacklogEvents: 1_000_000,
  maxBacklogBytes: 1_000_000_000,
};

const longLease = 60_000;

/**
 * What every transport promises (see `EventTransport`), registered as one
 * `it.each` per behaviour over `variants` (e.g. the supported test
 * databases). Call it inside a `describe` of the transport's test file.
 *
 * @public
 */
export function describeTransportConformance<Variant extends string>(
  variants: Array<[Variant]>,
  createHarness: (variant: Variant) => Promise<TransportHarness>,
  options: TransportConformanceOptions = {},
): void {
  const ordered = options.ordered ?? true;
  const exactBacklog = options.exactBacklog ?? true;
  const exactWatermark = options.exactWatermark ?? true;
  let opened: EventTransport[] = [];

  afterEach(async () => {
    await Promise.allSettled(opened.map(transport => transport.close()));
    opened = [];
  });

  /** A transport on fresh storage, and how to open it again. */
  async function start(variant: Variant, bounds = roomy) {
    const harness = await createHarness(variant);
    const open = async () => {
      const transport = await harness.open(bounds);
      opened.push(transport);
      return transport;
    };
    const passTime = (ms: number) =>
      harness.passTime ? harness.passTime(ms) : sleep(ms);
    const now = () => (harness.now ? harness.now() : Date.now());
    return { open, passTime, now, transport: await open() };
  }

  /** Claims and acknowledges until nothing is left; the claims' events. */
  async function drain(transport: EventTransport, maxEvents: number) {
    const claims: TransportEvent[][] = [];
    for (;;) {
      const claim = await transport.claim({ maxEvents, leaseMs: longLease });
      if (!claim) return claims;
      expect(claim.events.length).toBeGreaterThan(0);
      expect(claim.events.length).toBeLessThanOrEqual(maxEvents);
      claims.push(claim.events);
      await transport.ack(claim);
    }
  }

  it.each(variants)(
    'keeps every line, type and receive time on the way through, %p',
    async variant => {
      const { transport } = await start(variant);
      const published: TransportEvent[] = [
        event('com.example.play', 1000, { n: 1, text: 'Grüße, 世界 🎵' }),
        event('com.example.skip', 1000, { n: 2 }),
        event('com.example.play', 1003, { n: 3, nested: { a: [1, 2] } }),
        event('com.example.play', 1001, { n: 4, quote: '"\\u2028' }),
        event('com.example.skip', 1000, ''),
        { eventType: 'com.example.empty', receivedAt: 1002, line: '' },
        { eventType: 'com.example.empty', receivedAt: 1002, line: '' },
      ];
      await transport.publish(published);

      const claim = await transport.claim({
        maxEvents: 100,
        leaseMs: longLease,
      });
      expect(claim).toBeDefined();
      expect(byLine(claim!.events)).toEqual(byLine(published));
      const times = claim!.events.map(e => e.receivedAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));

      await transport.ack(claim!);
      await expect(
        transport.claim({ maxEvents: 100, leaseMs: longLease }),
      ).resolves.toBeUndefined();
      expect(await transport.backlog()).toMatchObject({ events: 0, bytes: 0 });
    },
  );

  if (ordered) {
    it.each(variants)(
      'offers the oldest events first, whole publishes at a time, %p',
      async variant => {
        const { transport } = await start(variant);
        await transport.publish(batch('b', 2000, 3));
        await transport.publish(batch('a', 1000, 2));
        await transport.publish(batch('c', 3000, 4));

        const claimed: string[][] = [];
        for (;;) {
          const claim = await transport.claim({
            maxEvents: 1,
            leaseMs: longLease,
          });
          if (!claim) break;
          claimed.push(claim.events.map(e => e.line));
        }
        expect(claimed).toEqual([lines('a', 2), lines('b', 3), lines('c', 4)]);
      },
    );

    it.each(variants)(
      'takes whole chunks until a claim reaches maxEvents, %p',
      async variant => {
        const { transport } = await start(variant);
        await transport.publish(batch('a', 1000, 3));
        await transport.publish(batch('b', 1001, 2));
        await transport.publish(batch('c', 1002, 2));

        const first = await transport.claim({
          maxEvents: 4,
          leaseMs: longLease,
        });
        expect(first!.events.map(e => e.line)).toEqual([
          ...lines('a', 3),
          ...lines('b', 2),
        ]);
        const second = await transport.claim({
          maxEvents: 4,
          leaseMs: longLease,
        });
        expect(second!.events.map(e => e.line)).toEqual(lines('c', 2));
      },
    );
  } else {
    it.each(variants)(
      'offers every event to one claim of at most maxEvents, sorted by receive time, %p',
      async variant => {
        const { transport } = await start(variant);
        await transport.publish(batch('b', 2000, 3));
        await transport.publish(batch('a', 1000, 2));
        await transport.publish(batch('c', 3000, 4));

        for (const maxEvents of [1, 4]) {
          const claims = await drain(transport, maxEvents);
          for (const claimed of claims) {
            const times = claimed.map(e => e.receivedAt);
            expect(times).toEqual([...times].sort((x, y) => x - y));
          }
          expect(
            claims
              .flat()
              .map(e => e.line)
              .sort(),
          ).toEqual([...lines('a', 2), ...lines('b', 3), ...lines('c', 4)]);
          await transport.publish(batch('b', 2000, 3));
          await transport.publish(batch('a', 1000, 2));
          await transport.publish(batch('c', 3000, 4));
        }
        await drain(transport, 100);
      },
    );
  }

  it.each(variants)(
    'does not offer claimed events to a second claim, %p',
    async variant => {
      const { transport } = await start(variant);
      await transport.publish(batch('a', 1000, 3));
      await transport.publish(batch('b', 1001, 3));

      const [first, second] = await Promise.all([
        transport.claim({ maxEvents: 3, leaseMs: longLease }),
        transport.claim({ maxEvents: 3, leaseMs: longLease }),
      ]);
      expect(first).toBeDefined();
      expect(second).toBeDefined();
      expect(first!.id).not.toBe(second!.id);
      expect(
        [...first!.events, ...second!.events].map(e => e.line).sort(),
      ).toEqual([...lines('a', 3), ...lines('b', 3)].sort());
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: longLease }),
      ).resolves.toBeUndefined();

      await transport.ack(first!);
      await transport.ack(second!);
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: 1 }),
      ).resolves.toBeUndefined();
    },
  );

  it.each(variants)(
    'offers the events of an expired lease again and refuses its ack, %p',
    async variant => {
      const { transport, passTime } = await start(variant);
      await transport.publish(batch('a', 1000, 3));

      const expired = await transport.claim({ maxEvents: 10, leaseMs: 50 });
      await passTime(100);
      const again = await transport.claim({ maxEvents: 10, leaseMs: 50 });
      expectSameEvents(again!.events, expired!.events);
      // Late: it must not take the events from the claim that holds them
      // now. (Whether a late ack before anyone claims them again removes
      // them is the transport's choice: Pub/Sub's may.)
      await expect(transport.ack(expired!)).rejects.toThrow(ClaimExpiredError);
      await passTime(100);
      const third = await transport.claim({
        maxEvents: 10,
        leaseMs: longLease,
      });
      expectSameEvents(third!.events, expired!.events);
      await expect(transport.ack(again!)).rejects.toThrow(ClaimExpiredError);

      expect(await transport.backlog()).toMatchObject({ events: 3 });
      await transport.ack(third!);
      expect(await transport.backlog()).toMatchObject({ events: 0 });
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: longLease }),
      ).resolves.toBeUndefined();
    },
  );

  it.each(variants)(
    'offers released events again at once, %p',
    async variant => {
      const { transport } = await start(variant);
      await transport.publish(batch('a', 1000, 2));

      const claim = await transport.claim({
        maxEvents: 10,
        leaseMs: longLease,
      });
      await transport.release(claim!);
      const again = await transport.claim({
        maxEvents: 10,
        leaseMs: longLease,
      });
      expectSameEvents(again!.events, claim!.events);
      await expect(transport.ack(claim!)).rejects.toThrow(ClaimExpiredError);
      await transport.ack(again!);
    },
  );

  if (exactBacklog) {
    it.each(variants)(
      'counts its backlog and refuses events past either bound, %p',
      async variant => {
        const { transport } = await start(variant, {
          maxBacklogEvents: 10,
          maxBacklogBytes: 100,
        });
        await transport.publish(batch('a', 1000, 6, 10));
        expect(await transport.backlog()).toEqual({
          events: 6,
          bytes: 60,
          maxEvents: 10,
          maxBytes: 100,
          oldestReceivedAt: 1000,
        });

        const tooMany = transport.publish(batch('b', 1001, 5, 1));
        await expect(tooMany).rejects.toThrow(TransportFullError);
        await expect(tooMany).rejects.toMatchObject({
          retryAfterSeconds: expect.any(Number),
        });
        await expect(
          transport.publish(batch('c', 1002, 1, 41)),
        ).rejects.toThrow(TransportFullError);
        await transport.publish(batch('d', 1003, 4, 10));
        expect(await transport.backlog()).toMatchObject({
          events: 10,
          bytes: 100,
        });

        const claim = await transport.claim({
          maxEvents: 100,
          leaseMs: longLease,
        });
        expect(claim!.events.map(e => e.line)).toEqual([
          ...lines('a', 6, 10),
          ...lines('d', 4, 10),
        ]);
        await transport.ack(claim!);
        expect(await transport.backlog()).toEqual({
          events: 0,
          bytes: 0,
          maxEvents: 10,
          maxBytes: 100,
        });
        await transport.publish(batch('e', 1004, 5, 1));
      },
    );
  } else {
    it.each(variants)(
      'counts its backlog and refuses events past either bound, %p',
      async variant => {
        const { transport } = await start(variant, {
          maxBacklogEvents: 10,
          maxBacklogBytes: 1_000_000,
        });
        await transport.publish(batch('a', 1000, 6, 10));
        const backlog = await transport.backlog();
        expect(backlog).toMatchObject({
          events: 6,
          maxEvents: 10,
          maxBytes: 1_000_000,
          oldestReceivedAt: expect.any(Number),
        });
        // At least the lines; an estimate may count what the service
        // stores with them.
        expect(backlog.bytes).toBeGreaterThanOrEqual(60);

        const tooMany = transport.publish(batch('b', 1001, 5, 1));
        await expect(tooMany).rejects.toThrow(TransportFullError);
        await expect(tooMany).rejects.toMatchObject({
          retryAfterSeconds: expect.any(Number),
        });
        await transport.publish(batch('d', 1003, 4, 10));
        expect(await transport.backlog()).toMatchObject({ events: 10 });

        const claimed = await drain(transport, 100);
        expect(
          claimed
            .flat()
            .map(e => e.line)
            .sort(),
        ).toEqual([...lines('a', 6, 10), ...lines('d', 4, 10)].sort());
        expect(await transport.backlog()).toMatchObject({
          events: 0,
          bytes: 0,
        });
        await transport.publish(batch('e', 1004, 5, 1));

        const small = await start(variant, {
          maxBacklogEvents: 1000,
          maxBacklogBytes: 100,
        });
        await expect(
          small.transport.publish(batch('f', 1005, 1, 101)),
        ).rejects.toThrow(TransportFullError);
      },
    );
  }

  if (exactWatermark) {
    it.each(variants)(
      'keeps its low watermark below every event not acknowledged, %p',
      async variant => {
        const { transport } = await start(variant);
        const before = Date.now();
        const empty = await transport.lowWatermark();
        expect(empty).toBeLessThanOrEqual(Date.now());
        expect(empty).toBeGreaterThan(before - 60_000);

        const publishing = transport.publish(batch('a', 5000, 2));
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(5000);
        await publishing;
        await transport.publish(batch('b', 7000, 2));
        expect(await transport.lowWatermark()).toBe(5000);

        const claim = await transport.claim({
          maxEvents: 1,
          leaseMs: longLease,
        });
        expect(await transport.lowWatermark()).toBe(5000);
        await transport.ack(claim!);
        expect(await transport.lowWatermark()).toBe(7000);

        const rest = await transport.claim({
          maxEvents: 10,
          leaseMs: longLease,
        });
        await transport.ack(rest!);
        expect(await transport.lowWatermark()).toBeGreaterThan(before - 60_000);
      },
    );
  } else {
    it.each(variants)(
      'keeps its low watermark at or below every event not acknowledged, %p',
      async variant => {
        const { transport, passTime, now } = await start(variant);
        // Receive times as ingest stamps them, just before the publish: a
        // transport may rely on that to bound what is still on its way in.
        const before = now();
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(now());

        const a = now();
        const publishing = transport.publish(batch('a', a, 2));
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(a);
        await publishing;
        const b = Math.max(now(), a + 1);
        await transport.publish(batch('b', b, 2));
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(a);

        const claim = await transport.claim({
          maxEvents: 1,
          leaseMs: longLease,
        });
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(a);
        await transport.ack(claim!);
        expect(await transport.lowWatermark()).toBeLessThanOrEqual(b);

        await drain(transport, 10);
        await passTime(longLease);
        const after = await transport.lowWatermark();
        expect(after).toBeGreaterThan(b);
        expect(after).toBeGreaterThan(before);
        expect(after).toBeLessThanOrEqual(now());
      },
    );
  }

  it.each(variants)(
    'refuses events with a line break, storing none of them, %p',
    async variant => {
      const { transport } = await start(variant);
      await expect(
        transport.publish([
          event('com.example.ok', 1000, 'fine'),
          { eventType: 'com.example.bad', receivedAt: 1000, line: 'a\nb' },
        ]),
      ).rejects.toThrow(InputError);
      await transport.publish([]);
      expect(await transport.backlog()).toMatchObject({ events: 0 });
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: longLease }),
      ).resolves.toBeUndefined();
    },
  );

  it.each(variants)(
    'finishes pending publishes on close and refuses calls after, %p',
    async variant => {
      const { transport, open } = await start(variant);
      const pending = transport.publish(batch('a', 1000, 3));
      const closing = transport.close();
      await expect(pending).resolves.toBeUndefined();
      await expect(closing).resolves.toBeUndefined();
      await expect(transport.close()).resolves.toBeUndefined();
      await expect(transport.publish(batch('b', 1001, 1))).rejects.toThrow(
        ServiceUnavailableError,
      );
      await expect(
        transport.claim({ maxEvents: 10, leaseMs: longLease }),
      ).rejects.toThrow(ServiceUnavailableError);

      const reopened = await open();
      const claim = await reopened.claim({ maxEvents: 10, leaseMs: longLease });
      expect(claim!.events.map(e => e.line)).toEqual(lines('a', 3));
    },
  );

  it.each(variants)(
    'keeps everything not acknowledged across a restart, %p',
    async variant => {
      const { transport, open, passTime } = await start(variant);
      await transport.publish(batch('a', 1000, 2));
      await transport.publish(batch('b', 1001, 3));
      await transport.publish(batch('c', 1002, 4));
      const acked = await transport.claim({ maxEvents: 2, leaseMs: longLease });
      await transport.ack(acked!);
      const held = await transport.claim({ maxEvents: 3, leaseMs: 100 });
      // Oldest publishes first, each whole, where the transport keeps order.
      const ackedLines = acked!.events.map(e => e.line);
      const heldLines = held!.events.map(e => e.line);
      expect(ackedLines).toEqual(ordered ? lines('a', 2) : ackedLines);
      expect(heldLines).toEqual(ordered ? lines('b', 3) : heldLines);
      expect(held!.events).toHaveLength(3);
      await transport.close();

      const reopened = await open();
      expect(await reopened.backlog()).toMatchObject({
        events: 7,
        ...(exactBacklog ? { oldestReceivedAt: 1001 } : {}),
      });
      await passTime(150);
      const claimed = await drain(reopened, 100);
      const rest = [...lines('a', 2), ...lines('b', 3), ...lines('c', 4)]
        .filter(line => !ackedLines.includes(line))
        .sort();
      expect(
        claimed
          .flat()
          .map(e => e.line)
          .sort(),
      ).toEqual(rest);
      const claimedLines = claimed.flat().map(e => e.line);
      expect(claimedLines).toEqual(
        ordered ? [...lines('b', 3), ...lines('c', 4)] : claimedLines,
      );
    },
  );

  it.each(variants)(
    'takes many concurrent publishes, all claimable afterwards as published, %p',
    async variant => {
      const { transport } = await start(variant);
      const publishes = Array.from({ length: 200 }, (_, p) =>
        Array.from({ length: 100 }, (__, i) =>
          event(`com.example.type${p % 3}`, 1_000_000 + (p % 7), {
            p,
            i,
            padding: 'x'.repeat(500),
          }),
        ),
      );
      await Promise.all(publishes.map(events => transport.publish(events)));
      expect(await transport.backlog()).toMatchObject({ events: 20_000 });

      const claimed: TransportEvent[] = [];
      for (;;) {
        const claim: EventClaim | undefined = await transport.claim({
          maxEvents: 3000,
          leaseMs: longLease,
        });
        if (!claim) break;
        claimed.push(...claim.events);
        await transport.ack(claim);
      }
      expect(byLine(claimed)).toEqual(byLine(publishes.flat()));
      expect(await transport.backlog()).toMatchObject({ events: 0, bytes: 0 });
    },
  );
}

/**
 * An event of type `eventType` whose line is the JSON of `{ type, data }`.
 *
 * @public
 */
export function event(
  eventType: string,
  receivedAt: number,
  data: unknown,
): TransportEvent {
  return {
    eventType,
    receivedAt,
    line: JSON.stringify({ type: eventType, data }),
  };
}

/**
 * `count` events of type `com.example.<name>` for one publish, each line
 * `size` bytes (at least 4): `<name>0......`, `<name>1......`, ...
 *
 * @public
 */
export function batch(
  name: string,
  receivedAt: number,
  count: number,
  size = 8,
): TransportEvent[] {
  return lines(name, count, size).map(line => ({
    eventType: `com.example.${name}`,
    receivedAt,
    line,
  }));
}

/**
 * The lines of {@link batch}.
 *
 * @public
 */
export function lines(name: string, count: number, size = 8): string[] {
  return Array.from({ length: count }, (_, i) =>
    `${name}${i}`.padEnd(size, '.').slice(0, size),
  );
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** The same events, in any order. */
function expectSameEvents(
  actual: TransportEvent[],
  expected: TransportEvent[],
) {
  expect(byLine(actual)).toEqual(byLine(expected));
}

function byLine(events: TransportEvent[]) {
  return [...events].sort((a, b) => (a.line < b.line ? -1 : 1));
}
