import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  deliveryPipelineExporterExtensionPoint,
  deliveryPipelinePersonalDataExtensionPoint,
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  KeyEncryptionKey,
  PartitionExporter,
} from '@data-collection/plugin-delivery-pipeline-node';
import {
  EVENT_SCHEMAS_TOPIC,
  EventType,
  EventTypeList,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeBigQuery } from './__testUtils__/fakeBigQuery';
import { FakeGcs } from './__testUtils__/fakeGcs';
import { FakeKms } from './__testUtils__/fakeKms';
import { FakePubSub } from './__testUtils__/fakePubSub';
import { FakePubSubGrpcServer } from './__testUtils__/fakePubSubGrpc';
import { GcsPartitionStorage } from './storage';
import { makeEventType } from './catalog/testFixtures';
import { CloudKmsKeyEncryptionKey } from './kms';
import { deliveryPipelineModuleGcp } from './module';
import { PubSubEventTransport } from './pubsub';

jest.setTimeout(60_000);

const PROJECT = 'acme-events';
const BUCKET = 'acme-partitions';
const KMS_KEY = `projects/${PROJECT}/locations/europe/keyRings/pipeline/cryptoKeys/keychain`;
const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { user_id: { type: 'string' }, track_id: { type: 'string' } },
});

/** The registry's reads the module makes, over HTTP as in the portal. */
function registryStub(eventTypes: EventType[]) {
  return createBackendPlugin({
    pluginId: 'event-schemas',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req, res) => {
            if (req.path === '/event-types') {
              const list: EventTypeList = {
                items: eventTypes,
                totalItems: eventTypes.length,
              };
              res.json(list);
              return;
            }
            const [, name, versions] =
              req.path.match(/^\/event-types\/([^/]+)(\/versions\/latest)?$/) ??
              [];
            const eventType = eventTypes.find(
              e => e.name === decodeURIComponent(name ?? ''),
            );
            if (!eventType) {
              res.status(404).json({ error: { name: 'NotFoundError' } });
            } else if (versions) {
              const version: Partial<EventTypeVersion> = {
                eventType: eventType.name,
                version: eventType.latestVersion,
                schema: SCHEMA,
              };
              res.json(version);
            } else {
              res.json(eventType);
            }
          });
        },
      });
    },
  });
}

describe('deliveryPipelineModuleGcp', () => {
  const pubsub = new FakePubSub({ sampleOnRead: true });
  const gcs = new FakeGcs({ buckets: [BUCKET] });
  const bigquery = new FakeBigQuery();
  const kms = new FakeKms();
  kms.createKey(KMS_KEY);
  // Application Default Credentials from a key file, as in production; its
  // token endpoint is answered here.
  const token = http.post('https://oauth2.googleapis.com/token', () =>
    HttpResponse.json({
      access_token: 'module-test-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  );
  const pubsubGrpc = new FakePubSubGrpcServer(pubsub);
  const server = setupServer(
    token,
    // Pub/Sub itself is on gRPC, below.
    ...pubsub.handlers({ monitoringOnly: true }),
    ...gcs.handlers(),
    ...bigquery.handlers(),
    ...kms.handlers(),
  );
  const credentialsDir = mkdtempSync(join(tmpdir(), 'gcp-module-test-'));
  const previousCredentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;

  beforeAll(async () => {
    await pubsubGrpc.listen();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = join(credentialsDir, 'key.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key_id: 'test',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: `pipeline@${PROJECT}.iam.gserviceaccount.com`,
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = file;
    // Local requests (the registry stub) pass; Google's are all answered.
    server.listen({ onUnhandledRequest: 'bypass' });
  });
  afterAll(async () => {
    await pubsubGrpc.close();
    server.close();
    process.env.GOOGLE_APPLICATION_CREDENTIALS = previousCredentials;
    rmSync(credentialsDir, { recursive: true, force: true });
  });

  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function startModule(config: JsonObject, eventTypes: EventType[]) {
    const setTransport = jest.fn();
    const setStorage = jest.fn();
    const addExporter = jest.fn();
    const setKeyEncryptionKey = jest.fn();
    const events = mockServices.events.mock();
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      extensionPoints: [
        [deliveryPipelineTransportExtensionPoint, { setTransport }],
        [deliveryPipelineStorageExtensionPoint, { setStorage }],
        [deliveryPipelineExporterExtensionPoint, { addExporter }],
        [deliveryPipelinePersonalDataExtensionPoint, { setKeyEncryptionKey }],
      ],
      features: [
        deliveryPipelineModuleGcp,
        registryStub(eventTypes),
        events.factory,
        logger.factory,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    stop = () => backend.stop();
    return {
      setTransport,
      setStorage,
      addExporter,
      setKeyEncryptionKey,
      events,
      logger,
    };
  }

  const gcpConfig = (gcp: JsonObject) => ({
    deliveryPipeline: { gcp: { projectId: PROJECT, ...gcp } },
  });

  it('does nothing without deliveryPipeline.gcp', async () => {
    const module = await startModule({}, []);

    expect(module.setTransport).not.toHaveBeenCalled();
    expect(module.setStorage).not.toHaveBeenCalled();
    expect(module.addExporter).not.toHaveBeenCalled();
    expect(module.setKeyEncryptionKey).not.toHaveBeenCalled();
    expect(module.logger.info).toHaveBeenCalledWith(
      'No deliveryPipeline.gcp config: the delivery pipeline keeps its local transport and storage',
    );
  });

  it('sets the Pub/Sub transport, Cloud Storage and the BigQuery exporter, and provisions every registered type', async () => {
    const started = makeEventType();
    const module = await startModule(
      gcpConfig({
        pubsub: { apiEndpoint: pubsubGrpc.url },
        storage: { bucket: BUCKET, prefix: 'pipeline/' },
        bigquery: { datasetId: 'events' },
      }),
      [started],
    );

    expect(module.setTransport).toHaveBeenCalledWith(
      expect.any(PubSubEventTransport),
    );
    const storage: GcsPartitionStorage = module.setStorage.mock.calls[0][0];
    expect(storage).toBeInstanceOf(GcsPartitionStorage);
    expect(storage.url('raw/x')).toBe(`gs://${BUCKET}/pipeline/raw/x`);
    const [exporter]: [PartitionExporter] = module.addExporter.mock.calls[0];
    expect(exporter.name).toBe('bigquery');

    // At start-up, in the background: the registered type's topic,
    // subscription (with the dead-letter policy) and table.
    const subscription = `projects/${PROJECT}/subscriptions/events.com.example.playback.started.delivery`;
    await waitFor(() => pubsub.subscriptions.has(subscription));
    expect(pubsub.subscriptions.get(subscription)).toMatchObject({
      topic: `projects/${PROJECT}/topics/events.com.example.playback.started`,
      ackDeadlineSeconds: 60,
      deadLetterPolicy: {
        deadLetterTopic: `projects/${PROJECT}/topics/events.dead-letter`,
        maxDeliveryAttempts: 5,
      },
    });
    await waitFor(() =>
      Boolean(
        bigquery.table(PROJECT, 'events', 'com_example_playback_started'),
      ),
    );
  });

  it('provisions a type when the registry announces it', async () => {
    // Registered after the start-up listing, which found no types.
    const module = await startModule(
      gcpConfig({ pubsub: { apiEndpoint: pubsubGrpc.url } }),
      [],
    );
    const subscription = `projects/${PROJECT}/subscriptions/events.com.example.search.performed.delivery`;
    expect(pubsub.subscriptions.has(subscription)).toBe(false);

    const [{ topics, onEvent }] = module.events.subscribe.mock.calls[0];
    expect(topics).toEqual([EVENT_SCHEMAS_TOPIC]);
    await onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: {
        action: 'upserted',
        eventType: 'com.example.search.performed',
      },
    });

    expect(pubsub.subscriptions.has(subscription)).toBe(true);
    expect(module.setStorage).not.toHaveBeenCalled();
    expect(module.addExporter).not.toHaveBeenCalled();
  });

  it('sets Cloud KMS as the key-encryption key of the personal data keychain', async () => {
    const module = await startModule(
      gcpConfig({ kms: { keyName: KMS_KEY } }),
      [],
    );

    const [kek]: [KeyEncryptionKey] = module.setKeyEncryptionKey.mock.calls[0];
    expect(kek).toBeInstanceOf(CloudKmsKeyEncryptionKey);
    // With the backend's Application Default Credentials, at Google's
    // endpoint (answered by the fake).
    await expect(kek.primaryKeyId()).resolves.toBe(
      `${KMS_KEY}/cryptoKeyVersions/1`,
    );
    expect(module.setTransport).not.toHaveBeenCalled();
    expect(module.setStorage).not.toHaveBeenCalled();
  });

  it('refuses a Cloud KMS key name that is not a crypto key', async () => {
    await expect(
      startModule(
        gcpConfig({ kms: { keyName: `${KMS_KEY}/cryptoKeyVersions/1` } }),
        [],
      ),
    ).rejects.toThrow(
      `deliveryPipeline.gcp.kms.keyName names a key version (${KMS_KEY}/cryptoKeyVersions/1); name the key itself, without /cryptoKeyVersions/…, so that its rotations take effect`,
    );
    await expect(
      startModule(gcpConfig({ kms: { keyName: 'keychain' } }), []),
    ).rejects.toThrow(
      "deliveryPipeline.gcp.kms.keyName must be a Cloud KMS key's full resource name, projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>; got 'keychain'",
    );
    await expect(startModule(gcpConfig({ kms: {} }), [])).rejects.toThrow(
      "Missing required config value at 'deliveryPipeline.gcp.kms.keyName'",
    );
  });

  it('refuses BigQuery without Cloud Storage, and Pub/Sub settings outside the bounds Pub/Sub sets', async () => {
    await expect(
      startModule(gcpConfig({ bigquery: { datasetId: 'events' } }), []),
    ).rejects.toThrow(
      'deliveryPipeline.gcp.bigquery needs deliveryPipeline.gcp.storage: BigQuery loads the partitions kept in Cloud Storage',
    );
    await expect(
      startModule(gcpConfig({ pubsub: { maxDeliveryAttempts: 3 } }), []),
    ).rejects.toThrow(
      'deliveryPipeline.gcp.pubsub.maxDeliveryAttempts must be between 5 and 100; got 3',
    );
    await expect(
      startModule(gcpConfig({ pubsub: { ackDeadline: { seconds: 5 } } }), []),
    ).rejects.toThrow(
      'deliveryPipeline.gcp.pubsub.ackDeadline must be between 10 seconds and 10 minutes; got 5 s',
    );
    await expect(
      startModule(gcpConfig({ pubsub: { protocol: 'http' } }), []),
    ).rejects.toThrow(
      "deliveryPipeline.gcp.pubsub.protocol must be 'grpc' or 'rest'; got 'http'",
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('Timed out waiting for the condition');
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
