// The fakes of Pub/Sub (with Cloud Monitoring), Cloud Storage, BigQuery and
// Cloud KMS that the unit tests use in-process, served over real HTTP (and
// Pub/Sub over gRPC) so that backends in other processes (which a crash test
// SIGKILLs) share their state:
//
//   node --require @backstage/cli/config/nodeTransform.cjs \
//     plugins/delivery-pipeline-backend-module-gcp/dev/fakeGcp.ts --dir /tmp/fake-gcp
//
// It writes `<dir>/credentials.json`, a service account key whose token_uri
// is this fake: with GOOGLE_APPLICATION_CREDENTIALS pointing at it, a
// backend's Application Default Credentials work unchanged. Objects are
// mirrored as files under `<dir>/bucket/`. Cloud KMS holds one symmetric
// key, `kmsKeyName`, for the personal data keychain. It prints one line of
// JSON with the endpoints, then serves until killed. `pubsub` is the
// gRPC endpoint (plaintext, as the emulator's), `pubsubRest` the same fake's
// REST front end, for `protocol: rest`. `GET <bigquery>/_fake/rows?table=`
// answers the rows loaded into a table (not a Google API: for assertions).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { http, HttpResponse } from 'msw';
import { FakeBigQuery } from '../src/__testUtils__/fakeBigQuery';
import { FakeGcs } from '../src/__testUtils__/fakeGcs';
import { FakeKms } from '../src/__testUtils__/fakeKms';
import { FakePubSub } from '../src/__testUtils__/fakePubSub';
import { FakePubSubGrpcServer } from '../src/__testUtils__/fakePubSubGrpc';
import { serveHandlers } from '../src/__testUtils__/serveHandlers';

export const FAKE_PROJECT = 'fake-project';
export const FAKE_BUCKET = 'fake-partitions';
export const FAKE_KMS_KEY = `projects/${FAKE_PROJECT}/locations/global/keyRings/delivery-pipeline/cryptoKeys/personal-data-keychain`;

async function main() {
  const dirArg = process.argv.indexOf('--dir');
  if (dirArg < 0 || !process.argv[dirArg + 1]) {
    throw new Error('Usage: fakeGcp.ts --dir <folder>');
  }
  const dir = resolve(process.argv[dirArg + 1]);
  const mirrorDirectory = join(dir, 'bucket');
  mkdirSync(mirrorDirectory, { recursive: true });

  // Monitoring without its minutes of delay: the crash test's partitions
  // are seconds wide.
  const pubsub = new FakePubSub({ sampleOnRead: true });
  const gcs = new FakeGcs({ buckets: [FAKE_BUCKET], mirrorDirectory });
  const bigquery = new FakeBigQuery();
  const kms = new FakeKms();
  kms.createKey(FAKE_KMS_KEY);

  // The OAuth token endpoint of the service account below: the JWT-bearer
  // grant, answered without checking the signature.
  const token = http.post('*/token', () =>
    HttpResponse.json({
      access_token: 'fake-gcp-access-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  );
  const rows = http.get('*/_fake/rows', ({ request }) => {
    const table = new URL(request.url).searchParams.get('table') ?? '';
    const [dataset, tableId] = table.split('.');
    return HttpResponse.json(bigquery.rows(FAKE_PROJECT, dataset, tableId));
  });

  const pubsubServer = await serveHandlers([token, ...pubsub.handlers()]);
  const pubsubGrpc = new FakePubSubGrpcServer(pubsub);
  await pubsubGrpc.listen();
  const storageServer = await serveHandlers(gcs.handlers());
  const bigqueryServer = await serveHandlers([rows, ...bigquery.handlers()]);
  const kmsServer = await serveHandlers(kms.handlers());

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const credentialsFile = join(dir, 'credentials.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      type: 'service_account',
      project_id: FAKE_PROJECT,
      private_key_id: 'fake',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: `pipeline@${FAKE_PROJECT}.iam.gserviceaccount.com`,
      client_id: '1',
      token_uri: `${pubsubServer.url}/token`,
    }),
  );

  process.stdout.write(
    `${JSON.stringify({
      projectId: FAKE_PROJECT,
      bucket: FAKE_BUCKET,
      credentialsFile,
      mirrorDirectory,
      pubsub: pubsubGrpc.url,
      pubsubRest: pubsubServer.url,
      monitoring: pubsubServer.url,
      storage: storageServer.url,
      bigquery: bigqueryServer.url,
      kms: kmsServer.url,
      kmsKeyName: FAKE_KMS_KEY,
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
