// The set-up `yarn bench:ingest:pubsub` measures: the pipeline's ingest
// benchmark (plugins/delivery-pipeline-backend/bench/ingest.bench.mjs) with
// this module's Pub/Sub transport and Cloud Storage in place of the local
// ones (and Cloud KMS as the personal data keychain's key-encryption key,
// used only at start-up), answered by the fakes of dev/fakeGcp.ts in a process of their own on
// the same machine. The fakes' CPU is reported beside the backend's: on a
// machine of 2 cores they take a share a real deployment gives to Google.
//
// Pub/Sub on gRPC, as in production; BENCH_PUBSUB_PROTOCOL=rest measures the
// REST fallback instead (results in ingest-pubsub-rest.json).
import { join } from 'node:path';

const protocol = process.env.BENCH_PUBSUB_PROTOCOL ?? 'grpc';
if (protocol !== 'grpc' && protocol !== 'rest') {
  throw new Error(
    `BENCH_PUBSUB_PROTOCOL must be grpc or rest; got ${protocol}`,
  );
}

export const name = protocol === 'grpc' ? 'pubsub' : 'pubsub-rest';

export const setUp = `plugins/delivery-pipeline-backend-module-gcp/dev/pipelineBackend.ts: Pub/Sub transport (${
  protocol === 'grpc' ? 'gRPC' : 'REST'
}), Cloud Storage and Cloud KMS, against the fakes of dev/fakeGcp.ts on the same machine`;

export async function start({ dataDir }) {
  // The repo's test helpers, outside any package (as the ingest bench loads
  // its own).
  const { gcpConfig, gcpEntryPoint, startFakeGcp } = await import(
    new URL('../../../e2e/lib/fakeGcp.mjs', import.meta.url).href
  );
  const fake = await startFakeGcp(join(dataDir, 'fake-gcp'));
  const { pubsub, monitoring, storage, kms, projectId } = gcpConfig(
    fake.endpoints,
    'bench',
  );
  return {
    helperPid: fake.pid,
    options: {
      entryPoint: gcpEntryPoint,
      storageDirectory: fake.endpoints.mirrorDirectory,
      env: { GOOGLE_APPLICATION_CREDENTIALS: fake.endpoints.credentialsFile },
      config: {
        deliveryPipeline: {
          // No BigQuery: loads follow delivery, not ingest. The production
          // publish deadline: no partitions close during the run anyway.
          gcp: {
            projectId,
            pubsub: {
              ...pubsub,
              ...(protocol === 'rest'
                ? { apiEndpoint: fake.endpoints.pubsubRest, protocol }
                : {}),
              publishDeadline: { seconds: 30 },
            },
            monitoring,
            storage,
            kms,
          },
        },
      },
    },
    stop: () => fake.stop(),
  };
}
