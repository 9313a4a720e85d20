// The collector's deployment, checked where it can be without Docker or a
// cluster: the Kubernetes manifests (deploy/kubernetes/) against the
// backends, the pipeline's metrics and the config; both Dockerfiles against
// the repository and the collector's build.
// - The autoscaler's metric is the Prometheus name of the backlog gauge the
//   pipeline exports (src/metrics.ts), served by the adapter rule of that
//   name; its target is the collector Deployment.
// - Services select their Deployment's pods and name ports the containers
//   have; the ports are those of the config (7007) and of the exporter
//   (9464); probes and the ingress path are routes the backends serve.
// - Containers run their image's CMD (plus a local config file), mount the
//   storage and key-encryption key where app-config.production.yaml puts
//   them, and the collectors find the portal at its Service.
// - Every file a Dockerfile copies exists after `yarn build:collector` (the
//   collector) or in the repository (the portal's build output is checked
//   by e2e/production.test.mjs), and the CMD's package is in the bundle.
//
// Run by scripts/test.sh; alone: node --test e2e/pipeline-collector-deployment.test.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { repoRoot } from './lib/pipelineBackend.mjs';

const require = createRequire(
  join(repoRoot, 'packages/backend-collector/package.json'),
);
const read = path => readFileSync(join(repoRoot, path), 'utf8');
const deployDir = 'deploy/kubernetes';

const documents = readdirSync(join(repoRoot, deployDir))
  .filter(name => name.endsWith('.yaml'))
  .flatMap(name =>
    parseAllDocuments(read(join(deployDir, name))).map(doc => {
      assert.deepEqual(doc.errors, [], `${name} does not parse`);
      return { file: name, ...doc.toJS() };
    }),
  );
const manifest = (kind, name) => {
  const found = documents.find(
    doc => doc.kind === kind && doc.metadata?.name === name,
  );
  assert.ok(found, `no ${kind} ${name} in ${deployDir}`);
  return found;
};
const portal = manifest('Deployment', 'portal-backend');
const collector = manifest('Deployment', 'collector');
const hpa = manifest('HorizontalPodAutoscaler', 'collector');
const containerOf = deployment => deployment.spec.template.spec.containers[0];
const production = parseYaml(read('app-config.production.yaml'));

/** The OpenTelemetry name of an instrument in the pipeline's metrics.ts. */
function pipelineMetric(pattern) {
  const source = read('plugins/delivery-pipeline-backend/src/metrics.ts');
  const names = [...source.matchAll(/'(delivery_pipeline\.[\w.]+)'/g)].map(
    match => match[1],
  );
  const found = names.filter(name => pattern.test(name));
  assert.equal(found.length, 1, `metrics.ts: ${found.join(', ')}`);
  return found[0];
}

test('the autoscaler scales the collectors on the backlog metric the pipeline exports', async () => {
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec.scaleTargetRef, {
    apiVersion: collector.apiVersion,
    kind: 'Deployment',
    name: collector.metadata.name,
  });
  const external = hpa.spec.metrics.filter(m => m.type === 'External');
  assert.equal(external.length, 1);
  const metricName = external[0].external.metric.name;

  // The name Prometheus gets, from the exporter itself: the gauge of
  // metrics.ts through the collector's instrumentation's exporter.
  const gauge = pipelineMetric(/transport\.backlog\.events$/);
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const {
    PrometheusExporter,
    PrometheusSerializer,
  } = require('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  provider
    .getMeter('delivery-pipeline')
    .createObservableGauge(gauge)
    .addCallback(result => result.observe(1));
  const { resourceMetrics } = await exporter.collect();
  const text = new PrometheusSerializer().serialize(resourceMetrics);
  await provider.shutdown();
  assert.match(
    text,
    new RegExp(`^${metricName}[ {]`, 'm'),
    `the exporter names ${gauge} otherwise:\n${text}`,
  );

  // The adapter serves that series as the external metric of that name.
  const adapter = parseYaml(
    read(join(deployDir, 'prometheus-adapter-values.yaml')),
  );
  const rule = adapter.rules.external.find(r => r.name.as === metricName);
  assert.ok(rule, `no adapter rule serves ${metricName}`);
  assert.match(rule.seriesQuery, new RegExp(`^${metricName}\\b`));

  // The collectors export it where the scrape config looks.
  const exporterPort = PrometheusExporter.DEFAULT_OPTIONS.port;
  const metricsPort = containerOf(collector).ports.find(
    p => p.name === 'metrics',
  );
  assert.equal(metricsPort.containerPort, exporterPort);
  const podMonitor = manifest('PodMonitor', 'collector');
  assert.deepEqual(
    podMonitor.spec.selector.matchLabels,
    collector.spec.selector.matchLabels,
  );
  assert.equal(podMonitor.spec.podMetricsEndpoints[0].port, 'metrics');
  assert.equal(
    podMonitor.spec.podMetricsEndpoints[0].path,
    PrometheusExporter.DEFAULT_OPTIONS.endpoint,
  );
});

test('Services, probes and the ingress match the backends', () => {
  const listenPort = Number(String(production.backend.listen).split(':').pop());
  for (const deployment of [portal, collector]) {
    const service = manifest('Service', deployment.metadata.name);
    const labels = deployment.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(service.spec.selector)) {
      assert.equal(labels[key], value, `${service.metadata.name} selector`);
    }
    const ports = containerOf(deployment).ports;
    for (const port of service.spec.ports) {
      assert.ok(
        ports.some(p => p.name === port.targetPort),
        `${service.metadata.name} targets port ${port.targetPort}`,
      );
    }
    assert.equal(ports.find(p => p.name === 'http').containerPort, listenPort);
  }

  // Probes: Backstage's health routes, and the pipeline's /health.
  const openapi = parseYaml(
    read('plugins/delivery-pipeline-backend/src/schema/openapi.yaml'),
  );
  const pipelineRoute = path => {
    const prefix = '/api/delivery-pipeline';
    assert.ok(path.startsWith(prefix), path);
    return openapi.paths[path.slice(prefix.length)];
  };
  const backstageHealth = new Set([
    '/.backstage/health/v1/readiness',
    '/.backstage/health/v1/liveness',
  ]);
  for (const deployment of [portal, collector]) {
    const container = containerOf(deployment);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const { path, port } = probe.httpGet;
      assert.equal(port, 'http');
      assert.ok(
        backstageHealth.has(path) || pipelineRoute(path)?.get?.security,
        `${deployment.metadata.name} probes ${path}, which answers without credentials nowhere`,
      );
    }
  }

  // Producers reach the collectors; everything else the portal.
  const ingress = documents.find(doc => doc.kind === 'Ingress');
  const paths = ingress.spec.rules[0].http.paths;
  const ingest = paths.filter(p => p.backend.service.name === 'collector');
  assert.equal(ingest.length, 1);
  assert.ok(pipelineRoute(ingest[0].path)?.post, 'the ingest route');
  assert.equal(
    paths.find(p => p.path === '/').backend.service.name,
    'portal-backend',
  );
});

test('containers run their image, with the storage, key and portal the config expects', () => {
  const { storage, personalData } = production.deliveryPipeline;
  for (const deployment of [portal, collector]) {
    const container = containerOf(deployment);
    const mounts = container.volumeMounts.map(m => m.mountPath);
    assert.ok(mounts.includes(storage.directory), 'the storage volume');
    assert.ok(
      mounts.includes(personalData.keyEncryptionKeyFile),
      'the key-encryption key',
    );
  }
  // The collectors find the portal at its Service, as their config says.
  const portalService = manifest('Service', 'portal-backend');
  const env = containerOf(collector).env.find(
    e => e.name === 'PORTAL_BACKEND_URL',
  );
  assert.equal(
    env.value,
    `http://${portalService.metadata.name}:${portalService.spec.ports[0].port}`,
  );
  const collectorConfig = parseYaml(read('app-config.collector.yaml'));
  const endpoint = collectorConfig.discovery.endpoints[0];
  assert.equal(endpoint.target, '${PORTAL_BACKEND_URL}/api/{{pluginId}}');
  for (const plugin of ['event-schemas', 'permission', 'events']) {
    assert.ok(endpoint.plugins.includes(plugin), plugin);
  }

  // Each runs its image's CMD, plus the config map's local file.
  for (const [deployment, dockerfile] of [
    [portal, 'packages/backend/Dockerfile'],
    [collector, 'packages/backend-collector/Dockerfile'],
  ]) {
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(read(dockerfile))[1]);
    assert.deepEqual(
      containerOf(deployment).args.slice(0, cmd.length),
      cmd,
      `${deployment.metadata.name} runs other than ${dockerfile}'s CMD`,
    );
    assert.deepEqual(containerOf(deployment).args.slice(cmd.length), [
      '--config',
      '/etc/data-collection/config/app-config.local.yaml',
    ]);
  }
});

/** Every COPY source of a Dockerfile (context-relative). */
function copySources(dockerfile) {
  return [...read(dockerfile).matchAll(/^COPY (.*)$/gm)].flatMap(match =>
    match[1]
      .split(/\s+/)
      .filter(word => !word.startsWith('--'))
      .slice(0, -1),
  );
}

test('the Dockerfiles copy what the repository and the collector build hold', () => {
  execFileSync('yarn', ['build:collector'], { cwd: repoRoot, stdio: 'pipe' });
  for (const dockerfile of [
    'packages/backend/Dockerfile',
    'packages/backend-collector/Dockerfile',
  ]) {
    const sources = copySources(dockerfile);
    assert.ok(sources.length > 0);
    for (const source of sources) {
      // The portal's build (with its app) takes minutes: its output is
      // checked where it is made, by e2e/production.test.mjs.
      if (source.startsWith('packages/backend/dist/')) continue;
      assert.ok(
        existsSync(join(repoRoot, source)),
        `${dockerfile} copies ${source}, which does not exist`,
      );
    }
    // Every config file the CMD names is copied.
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(read(dockerfile))[1]);
    const configs = cmd.filter((_, i) => cmd[i - 1] === '--config');
    for (const config of configs) {
      assert.ok(sources.includes(config), `${dockerfile} copies ${config}`);
    }
  }
  // The collector's CMD runs packages/backend-collector from its bundle.
  const list = archive =>
    execFileSync('tar', ['tzf', join(repoRoot, archive)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).split('\n');
  const main = JSON.parse(read('packages/backend-collector/package.json')).main;
  assert.ok(
    list('packages/backend-collector/dist/bundle.tar.gz').includes(
      `packages/backend-collector/${main}`,
    ),
    `the bundle has no packages/backend-collector/${main}`,
  );
  assert.ok(
    list('packages/backend-collector/dist/skeleton.tar.gz').includes(
      'packages/backend-collector/package.json',
    ),
  );
});
