import { mockServices } from '@backstage/backend-test-utils';
import {
  InProcessProducer,
  InProcessSend,
} from '@data-collection/plugin-delivery-pipeline-node';
import { IngestService } from './IngestService';
import { InProcessProducers } from './InProcessProducers';

describe('InProcessProducers', () => {
  /** A producer that records its `send` and whether it runs. */
  function producer(name: string, start?: () => Promise<void>) {
    const state: { send?: InProcessSend; running: boolean } = {
      running: false,
    };
    const p: InProcessProducer = {
      name,
      async start(send) {
        await start?.();
        state.send = send;
        state.running = true;
      },
      async stop() {
        state.running = false;
      },
    };
    return { producer: p, state };
  }

  function fakeIngest() {
    const ingest = jest.fn(
      async (_request: Parameters<IngestService['ingest']>[0]) => ({
        accepted: 1,
        rejected: [],
      }),
    );
    return {
      ingest,
      service: { ingest } as Partial<IngestService> as IngestService,
    };
  }

  it('hands each producer a send that goes through ingest as that producer, trusted', async () => {
    const producers = new InProcessProducers();
    const a = producer('a');
    const b = producer('b');
    // Passed on unbound, as a module may.
    const { addProducer } = producers;
    addProducer(a.producer);
    addProducer(b.producer);
    const { ingest, service } = fakeIngest();

    await producers.start({
      ingest: service,
      logger: mockServices.logger.mock(),
    });
    expect(a.state.running && b.state.running).toBe(true);

    const body = Buffer.from('[]');
    const headers = { 'content-type': 'application/cloudevents-batch+json' };
    await expect(b.state.send!({ headers, body })).resolves.toEqual({
      accepted: 1,
      rejected: [],
    });
    expect(ingest).toHaveBeenCalledTimes(1);
    const [request] = ingest.mock.calls[0];
    expect(request).toMatchObject({ headers, body });
    expect(request.producer.name).toBe('b');
    // Trusted: no event is refused for want of a grant.
    await expect(
      request.producer.refusals([{ type: 'x' }, { type: 'y' }]),
    ).resolves.toEqual([undefined, undefined]);

    await producers.stop();
    expect(a.state.running || b.state.running).toBe(false);
  });

  it('refuses a second producer of the same name', () => {
    const producers = new InProcessProducers();
    producers.addProducer(producer('demo').producer);
    expect(() => producers.addProducer(producer('demo').producer)).toThrow(
      "A delivery pipeline producer named 'demo' was already added",
    );
  });

  it('logs a producer that fails to start, starts the others, and stops only those started', async () => {
    const producers = new InProcessProducers();
    const broken = producer('broken', async () => {
      throw new Error('no luck');
    });
    const brokenStop = jest.spyOn(broken.producer, 'stop');
    const fine = producer('fine');
    producers.addProducer(broken.producer);
    producers.addProducer(fine.producer);
    const logger = mockServices.logger.mock();

    await producers.start({ ingest: fakeIngest().service, logger });

    expect(fine.state.running).toBe(true);
    expect(logger.error).toHaveBeenCalledWith(
      "The in-process producer 'broken' failed to start; it sends nothing",
      new Error('no luck'),
    );
    await producers.stop();
    expect(fine.state.running).toBe(false);
    expect(brokenStop).not.toHaveBeenCalled();
  });
});
