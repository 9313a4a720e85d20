// Metrics for Prometheus, loaded before the backend, as Backstage's
// OpenTelemetry tutorial does (https://backstage.io/docs/tutorials/setup-opentelemetry):
//
//   node --require ./instrumentation.js packages/backend-collector --config ...
//
// It must run first: a meter taken before a provider is registered stays a
// no-op. Only metrics, no traces: deploy/kubernetes/collector-hpa.yaml scales
// the collectors on the transport's backlog
// (delivery_pipeline_transport_backlog_events), scraped from :9464/metrics.
// OTEL_EXPORTER_PROMETHEUS_HOST and OTEL_EXPORTER_PROMETHEUS_PORT (the
// OpenTelemetry specification's names, which this exporter does not read by
// itself) move it; all interfaces by default, as Prometheus scrapes the pod's
// address.
const { isMainThread } = require('node:worker_threads');
const { metrics } = require('@opentelemetry/api');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

// Worker threads inherit `--require`: the pipeline's (the deduper's) report
// nothing, and a second exporter would find the port taken.
if (isMainThread) {
  const exporter = new PrometheusExporter({
    host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || '0.0.0.0',
    port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT) || undefined,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
