import { EventTransport } from '@internal/plugin-delivery-pipeline-node';
import { metrics } from '@opentelemetry/api';

// Through Backstage's OpenTelemetry set-up: a no-op until the backend
// registers a meter provider (see the README's metrics section).
const meter = metrics.getMeter('delivery-pipeline');

/** Events ingest received, by outcome. */
export const ingestCounters = {
  accepted: meter.createCounter('delivery_pipeline.events.accepted', {
    description:
      'Events accepted by ingest and stored durably in the transport',
  }),
  rejected: meter.createCounter('delivery_pipeline.events.rejected', {
    description: 'Events ingest rejected and kept as failed events',
  }),
};

/** Reports the transport's backlog, the measure backpressure acts on. */
export function observeTransport(transport: EventTransport): void {
  const events = meter.createObservableGauge(
    'delivery_pipeline.transport.backlog.events',
    { description: 'Events held by the transport, not yet in storage' },
  );
  const bytes = meter.createObservableGauge(
    'delivery_pipeline.transport.backlog.bytes',
    { description: 'Bytes held by the transport', unit: 'By' },
  );
  const oldestAge = meter.createObservableGauge(
    'delivery_pipeline.transport.oldest_age',
    { description: 'Age of the oldest event held by the transport', unit: 's' },
  );
  meter.addBatchObservableCallback(
    async observer => {
      const backlog = await transport.backlog();
      observer.observe(events, backlog.events);
      observer.observe(bytes, backlog.bytes);
      observer.observe(
        oldestAge,
        backlog.oldestReceivedAt === undefined
          ? 0
          : (Date.now() - backlog.oldestReceivedAt) / 1000,
      );
    },
    [events, bytes, oldestAge],
  );
}
