import { EventTransport } from '@data-collection/plugin-delivery-pipeline-node';
import { metrics } from '@opentelemetry/api';

// Through Backstage's OpenTelemetry set-up: a no-op until the backend
// registers a meter provider (see the README's metrics section).
const meter = metrics.getMeter('delivery-pipeline');

/** Events ingest received, by outcome. */
export const ingestCounters = {
  received: meter.createCounter('delivery_pipeline.events.received', {
    description:
      'Events ingest read from requests, accepted or rejected (resends included)',
  }),
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

/** Partitions moving through completion, delivery, SLA checks and retention. */
export const partitionMetrics = {
  closed: meter.createCounter('delivery_pipeline.partitions.closed', {
    description: 'Partitions the completionist closed',
  }),
  delivered: meter.createCounter('delivery_pipeline.partitions.delivered', {
    description: 'Partitions the deduper delivered',
  }),
  late: meter.createCounter('delivery_pipeline.partitions.late', {
    description: 'Partitions found past their SLA before being delivered',
  }),
  lateness: meter.createHistogram('delivery_pipeline.partition.lateness', {
    description: 'Delivery time minus the end of the partition',
    unit: 's',
  }),
  deleted: meter.createCounter('delivery_pipeline.partitions.deleted', {
    description: 'Raw or delivered partitions retention deleted',
  }),
  missing: meter.createObservableGauge('delivery_pipeline.partitions.missing', {
    description:
      'Windows of a registered event type with no partition past their SLA deadline: lost or stalled, never "nothing was sent"',
  }),
};

/** Events the deduper handled, by what happened to them. */
export const dedupeCounters = {
  delivered: meter.createCounter('delivery_pipeline.events.delivered', {
    description: 'Events written to delivered partitions',
  }),
  duplicate: meter.createCounter('delivery_pipeline.events.duplicate', {
    description:
      'Events dropped as duplicates; attribute kind: resend (same content) or conflict (other content)',
  }),
  clientDelay: meter.createHistogram('delivery_pipeline.event.client_delay', {
    description:
      'Receive time minus the event time, per delivered partition (its median)',
    unit: 's',
  }),
};
