// The fakes of Pub/Sub, Cloud Monitoring, Cloud Storage, BigQuery and Cloud
// KMS in a process of their own (plugins/delivery-pipeline-backend-module-gcp/dev/fakeGcp.ts),
// so that their state outlives the backends a test SIGKILLs.
//
//   const gcp = await startFakeGcp(dir);
//   startPipelineBackend({ entryPoint: gcpEntryPoint,
//     env: { GOOGLE_APPLICATION_CREDENTIALS: gcp.endpoints.credentialsFile },
//     storageDirectory: gcp.endpoints.mirrorDirectory,
//     config: { deliveryPipeline: { gcp: gcpConfig(gcp.endpoints, 'dataset') } } });
//   const rows = await gcp.rows('dataset.table');
import { spawn } from 'node:child_process';
import {
  killProcessGroup,
  repoRoot,
  shiftedClockPreload,
} from './pipelineBackend.mjs';

const fakeEntryPoint =
  'plugins/delivery-pipeline-backend-module-gcp/dev/fakeGcp.ts';

/** The pipeline's dev backend with the GCP module added. */
export const gcpEntryPoint =
  'plugins/delivery-pipeline-backend-module-gcp/dev/pipelineBackend.ts';

/** The table id the module gives an event type (see its bigquery/names.ts). */
export const tableIdOf = eventType => eventType.replace(/[^A-Za-z0-9_-]/g, '_');

/** `deliveryPipeline.gcp` for backends served by the fakes. */
export function gcpConfig(endpoints, datasetId) {
  return {
    projectId: endpoints.projectId,
    pubsub: {
      // gRPC, as in production, in plaintext to the fake (`pubsubRest` is
      // the same fake's REST front end, for `protocol: 'rest'`).
      apiEndpoint: endpoints.pubsub,
      // The shortest Pub/Sub allows: a replica SIGKILLed right after a pull
      // delays the messages by this (plus the retry backoff).
      ackDeadline: { seconds: 10 },
      // Partitions are seconds wide: the watermark's margins must be too.
      publishDeadline: { seconds: 2 },
      clockSkew: { milliseconds: 500 },
    },
    monitoring: {
      apiEndpoint: endpoints.monitoring,
      refreshInterval: { milliseconds: 200 },
    },
    storage: { bucket: endpoints.bucket, apiEndpoint: endpoints.storage },
    bigquery: { datasetId, apiEndpoint: endpoints.bigquery },
    // The personal data keychain's key-encryption key.
    kms: { keyName: endpoints.kmsKeyName, apiEndpoint: endpoints.kms },
  };
}

/**
 * Starts the fakes; resolves once they print their endpoints. With
 * `clockFile`, their clock is shifted as the backends' are (shiftedClock.cjs),
 * so publish times and Monitoring samples agree with the backends' time.
 */
export async function startFakeGcp(dir, { clockFile } = {}) {
  const child = spawn(
    process.execPath,
    [
      ...(clockFile ? ['--require', shiftedClockPreload] : []),
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      fakeEntryPoint,
      '--dir',
      dir,
    ],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...(clockFile ? { DELIVERY_PIPELINE_TEST_CLOCK_FILE: clockFile } : {}),
      },
    },
  );
  let output = '';
  child.stderr.on('data', chunk => {
    output += chunk;
  });
  const endpoints = await new Promise((resolve, reject) => {
    let line = '';
    child.stdout.on('data', chunk => {
      line += chunk;
      const end = line.indexOf('\n');
      if (end >= 0) resolve(JSON.parse(line.slice(0, end)));
    });
    child.once('exit', code =>
      reject(new Error(`The fake Google Cloud exited (${code}):\n${output}`)),
    );
    setTimeout(
      () =>
        reject(new Error(`The fake Google Cloud did not start:\n${output}`)),
      60_000,
    ).unref();
  });
  return {
    pid: child.pid,
    endpoints,
    /** The rows loaded into `dataset.table`. */
    async rows(table) {
      const response = await fetch(
        `${endpoints.bigquery}/_fake/rows?table=${encodeURIComponent(table)}`,
      );
      if (!response.ok) {
        throw new Error(`The fake BigQuery answered ${response.status}`);
      }
      return response.json();
    },
    /** A BigQuery job's resource (`jobs.get`), e.g. its load configuration. */
    async job(jobId) {
      const response = await fetch(
        `${endpoints.bigquery}/bigquery/v2/projects/${
          endpoints.projectId
        }/jobs/${encodeURIComponent(jobId)}`,
      );
      if (!response.ok) {
        throw new Error(
          `The fake BigQuery answered ${response.status} for job ${jobId}`,
        );
      }
      return response.json();
    },
    async stop() {
      killProcessGroup(child.pid);
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise(resolve => child.once('exit', resolve));
      }
    },
  };
}
