import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  InProcessIngestResponse,
  InProcessSend,
  TransportFullError,
} from '@data-collection/plugin-delivery-pipeline-node';
import { readDemoTrafficConfig } from './config';
import { DEMO_TRAFFIC_PRODUCER, DemoTraffic } from './DemoTraffic';
import { seededRandom } from './random';

type Request = Parameters<InProcessSend>[0];

describe('DemoTraffic', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-24T12:00:00Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** A send that answers as ingest does: the invalid events rejected. */
  function fakeIngest() {
    const requests: Request[] = [];
    const send = jest.fn(async (request: Request) => {
      requests.push(request);
      const events = JSON.parse(request.body.toString());
      return { accepted: events.length, rejected: [] };
    });
    const events = () =>
      requests.flatMap(r => JSON.parse(r.body.toString()) as object[]);
    return { send, requests, events };
  }

  function createTraffic(options: { eventsPerSecond?: number } = {}) {
    const logger = mockServices.logger.mock();
    const traffic = new DemoTraffic({
      logger,
      random: seededRandom(3),
      ...options,
    });
    return { traffic, logger };
  }

  it('sends batches a few times a second at the configured rate', async () => {
    const { send, requests, events } = fakeIngest();
    const { traffic, logger } = createTraffic();

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(60_000);
    await traffic.stop();

    // 20 events/s by default, four batches a second.
    expect(events().length).toBeGreaterThanOrEqual(1190);
    expect(events().length).toBeLessThanOrEqual(1200);
    expect(requests.length).toBeGreaterThan(200);
    expect(requests.length).toBeLessThanOrEqual(240);
    for (const request of requests) {
      expect(request.headers).toEqual({
        'content-type': 'application/cloudevents-batch+json',
      });
    }
    // The producer the plugin sends the events as.
    expect(traffic.name).toBe(DEMO_TRAFFIC_PRODUCER);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('Sending demo traffic: about 20 events/s'),
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('waits until the registry knows every demo type, without a burst after', async () => {
    const { send, events } = fakeIngest();
    const logger = mockServices.logger.mock();
    const registered = new Set<string>();
    const isRegistered = jest.fn(async (name: string) => registered.has(name));
    const traffic = new DemoTraffic({
      logger,
      random: seededRandom(3),
      isRegistered,
    });

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(send).not.toHaveBeenCalled();
    const asked = [...new Set(isRegistered.mock.calls.map(([name]) => name))];
    expect(asked.length).toBeGreaterThan(1);
    // One type registered, not the others: still waiting.
    registered.add(asked[0]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(send).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Demo traffic waits for the registry to register /,
      ),
    );

    for (const name of asked) registered.add(name);
    const callsBefore = isRegistered.mock.calls.length;
    await jest.advanceTimersByTimeAsync(10_000);
    await traffic.stop();
    // At the rate from then on (20 events/s), not the 25 s since the start.
    expect(events().length).toBeGreaterThan(180);
    expect(events().length).toBeLessThanOrEqual(205);
    // Once every type is known, the registry is not asked again.
    expect(isRegistered.mock.calls.length - callsBefore).toBe(asked.length);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('follows a configured rate, splitting large batches', async () => {
    const { send, requests, events } = fakeIngest();
    const { traffic } = createTraffic({ eventsPerSecond: 4000 });

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(5_000);
    await traffic.stop();

    expect(events().length).toBeGreaterThan(19_000);
    expect(events().length).toBeLessThanOrEqual(20_000);
    expect(
      Math.max(...requests.map(r => JSON.parse(r.body.toString()).length)),
    ).toBeLessThanOrEqual(500);
    // Fake time, but 20,000 real events to generate: room on a busy machine.
  }, 30_000);

  it('stops only once the batch in flight is answered, and sends no more', async () => {
    let answer: () => void = () => {};
    const send = jest.fn(
      () =>
        new Promise<InProcessIngestResponse>(resolve => {
          answer = () => resolve({ accepted: 5, rejected: [] });
        }),
    );
    const { traffic } = createTraffic();

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(250);
    expect(send).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = traffic.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);

    answer();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('starts once, and stops at once when idle', async () => {
    const { send } = fakeIngest();
    const { traffic, logger } = createTraffic();

    traffic.start(send);
    traffic.start(send);
    expect(logger.info).toHaveBeenCalledTimes(1);
    await traffic.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(send).not.toHaveBeenCalled();
  });

  it('keeps going through a full pipeline, saying so at most once a minute', async () => {
    const send = jest.fn(async () => {
      throw new TransportFullError('The transport is full', 5);
    });
    const { traffic, logger } = createTraffic();

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(150_000);
    await traffic.stop();

    expect(send.mock.calls.length).toBeGreaterThan(500);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenNthCalledWith(
      1,
      'Demo traffic: the pipeline is full (429) and refused 5 events; carrying on; reported at most once a minute',
      expect.any(TransportFullError),
    );
    expect(logger.warn).toHaveBeenNthCalledWith(
      2,
      expect.stringMatching(/\(2\d\d more times since the last report\)/),
      expect.any(TransportFullError),
    );
  });

  it('keeps going through any other failure', async () => {
    let calls = 0;
    const send = jest.fn(async () => {
      calls += 1;
      if (calls % 2) throw new Error('connection reset');
      return { accepted: 5, rejected: [] };
    });
    const { traffic, logger } = createTraffic();

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(30_000);
    await traffic.stop();

    expect(send.mock.calls.length).toBeGreaterThan(100);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Demo traffic: sending 5 events failed; carrying on; reported at most once a minute',
      expect.objectContaining({ message: 'connection reset' }),
    );
  });

  it('reports more rejections than invalid events, such as unregistered types', async () => {
    const send = jest.fn(async (request: Request) => {
      const events = JSON.parse(request.body.toString()) as object[];
      return {
        accepted: 0,
        rejected: events.map((_, index) => ({
          index,
          reason:
            "Unknown event type 'com.example.playback.started': register it in the schema registry before sending events of it",
        })),
      };
    });
    const { traffic, logger } = createTraffic();

    traffic.start(send);
    await jest.advanceTimersByTimeAsync(1_000);
    await traffic.stop();

    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Demo traffic: ingest rejected 5 of 5 events, of which 0 were invalid on purpose; first reason: Unknown event type 'com.example.playback.started'/,
      ),
      undefined,
    );
  });

  it('refuses a rate that is not positive', () => {
    expect(() => createTraffic({ eventsPerSecond: 0 })).toThrow(
      'Demo traffic needs a positive rate and interval; got 0 events/s every 250 ms',
    );
  });
});

describe('readDemoTrafficConfig', () => {
  it('is off at 20 events per second by default', () => {
    expect(readDemoTrafficConfig(new ConfigReader({}))).toEqual({
      enabled: false,
      eventsPerSecond: 20,
    });
  });

  it('reads deliveryPipeline.demo.traffic', () => {
    expect(
      readDemoTrafficConfig(
        new ConfigReader({
          deliveryPipeline: {
            demo: { traffic: { enabled: true, eventsPerSecond: 2.5 } },
          },
        }),
      ),
    ).toEqual({ enabled: true, eventsPerSecond: 2.5 });
  });

  it('refuses a rate that is not positive', () => {
    expect(() =>
      readDemoTrafficConfig(
        new ConfigReader({
          deliveryPipeline: { demo: { traffic: { eventsPerSecond: -1 } } },
        }),
      ),
    ).toThrow(
      'deliveryPipeline.demo.traffic.eventsPerSecond must be a positive number; got -1',
    );
  });
});
