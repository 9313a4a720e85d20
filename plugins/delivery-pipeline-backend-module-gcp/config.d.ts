import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  deliveryPipeline?: {
    /**
     * Runs the delivery pipeline on Google Cloud (module
     * `delivery-pipeline-backend-module-gcp`). Each section present replaces
     * its local counterpart: `pubsub` the transport, `storage` the partition
     * storage, `kms` the personal data keychain's key-encryption key;
     * `bigquery` adds the warehouse export. Credentials are
     * Application Default Credentials: `GOOGLE_APPLICATION_CREDENTIALS`, the
     * gcloud user, or the workload identity of GKE, Cloud Run or Compute
     * Engine.
     */
    gcp?: {
      /**
       * The Google Cloud project of the topics, bucket and dataset. Default:
       * the project of the credentials.
       * @visibility backend
       */
      projectId?: string;
      /** The transport: a topic and a pull subscription per event type. */
      pubsub?: {
        /**
         * Prepended to the event type's name to make its topic id; the
         * subscription is the topic id plus `.delivery`. Default `events.`.
         * @visibility backend
         */
        topicPrefix?: string;
        /**
         * Topic that messages no consumer could read go to, after
         * `maxDeliveryAttempts`, with a subscription of the same name that
         * keeps them. Default `<topicPrefix>dead-letter`.
         * @visibility backend
         */
        deadLetterTopic?: string;
        /**
         * Deliveries of a message before it goes to the dead-letter topic
         * (5 to 100). Default 5.
         * @visibility backend
         */
        maxDeliveryAttempts?: number;
        /**
         * How long a pulled message stays with its consumer before Pub/Sub
         * offers it again, until the consumer's lease extends it (10 seconds
         * to 10 minutes): what a consumer that crashes right after a pull
         * delays its messages by. Keep it at `deliveryPipeline.consumer.lease`.
         * Default 60 seconds.
         * @visibility backend
         */
        ackDeadline?: HumanDuration | string;
        /**
         * How long the subscriptions keep unacknowledged messages (10
         * minutes to 7 days). Default 7 days.
         * @visibility backend
         */
        messageRetention?: HumanDuration | string;
        /**
         * How long a publish may take before ingest gives up on it (and
         * answers 503). It also bounds how far the watermark stays behind
         * the backlog. Default 30 seconds.
         * @visibility backend
         */
        publishDeadline?: HumanDuration | string;
        /**
         * How far the backend replicas' clocks may be from Google's. Default
         * 5 seconds.
         * @visibility backend
         */
        clockSkew?: HumanDuration | string;
        /**
         * Most events waiting in the subscriptions (as Cloud Monitoring
         * reports them) before ingest answers 429. Default 100000000.
         * @visibility backend
         */
        maxBacklogEvents?: number;
        /**
         * Most bytes waiting, likewise. Default 107374182400 (100 GiB).
         * @visibility backend
         */
        maxBacklogBytes?: number;
        /**
         * Another Pub/Sub endpoint, e.g. `http://127.0.0.1:8085`, for a fake
         * or the emulator in tests (on gRPC an `http://` endpoint is a
         * plaintext channel without credentials). Default Google's.
         * @visibility backend
         */
        apiEndpoint?: string;
        /**
         * `grpc` (the client library's default: protobuf over HTTP/2) or
         * `rest` (JSON over HTTP/1.1), for networks whose proxies pass only
         * HTTP/1.1; it costs more CPU per event (see
         * docs/capacity-plan.md). Default `grpc`.
         * @visibility backend
         */
        protocol?: 'grpc' | 'rest';
      };
      /** Partitions as objects in a Cloud Storage bucket. */
      storage?: {
        /**
         * The bucket; it must exist.
         * @visibility backend
         */
        bucket: string;
        /**
         * Prepended to every object name, e.g. `delivery-pipeline/`.
         * Default none.
         * @visibility backend
         */
        prefix?: string;
        /**
         * Objects of this many bytes or more are written with a resumable
         * upload. Default 8388608 (8 MiB).
         * @visibility backend
         */
        resumableThreshold?: number;
        /**
         * Another Cloud Storage endpoint, for a fake in tests.
         * @visibility backend
         */
        apiEndpoint?: string;
      };
      /** Loads every delivered partition into a BigQuery table per event type. */
      bigquery?: {
        /**
         * The dataset holding the tables; created (in `location`) when
         * missing.
         * @visibility backend
         */
        datasetId: string;
        /**
         * Where the dataset is created. Default `US`.
         * @visibility backend
         */
        location?: string;
        /**
         * A Data Catalog policy tag put on every personal-data column, e.g.
         * `projects/p/locations/eu/taxonomies/1/policyTags/2`, so that
         * column-level access control applies. Default none.
         * @visibility backend
         */
        personalDataPolicyTag?: string;
        /** The catalog's `Resource` entities of the BigQuery tables. */
        catalog?: {
          /**
           * How often they are refreshed in full. Default every 30 minutes,
           * as the datasets' entities.
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
        /**
         * Another BigQuery endpoint, for a fake in tests.
         * @visibility backend
         */
        apiEndpoint?: string;
      };
      /**
       * Cloud KMS wraps the secret of the personal data keychain (in place of
       * `deliveryPipeline.personalData.keyEncryptionKeyFile`), so that the
       * pipeline's database alone never reveals a data subject's key.
       */
      kms?: {
        /**
         * The symmetric (`ENCRYPT_DECRYPT`) key, by its full resource name:
         * `projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`.
         * Not a version: the keychain follows the key's primary version,
         * and rewraps its secret when a rotation changes it.
         * @visibility backend
         */
        keyName: string;
        /**
         * Another Cloud KMS endpoint, for a fake in tests. Default Google's.
         * @visibility backend
         */
        apiEndpoint?: string;
      };
      /**
       * Cloud Monitoring, read for the subscriptions' backlog (the Pub/Sub
       * transport's watermark and backpressure).
       */
      monitoring?: {
        /**
         * How long an answer is used before Monitoring is asked again.
         * Monitoring samples once a minute. Default 15 seconds.
         * @visibility backend
         */
        refreshInterval?: HumanDuration | string;
        /**
         * Another Cloud Monitoring endpoint, for a fake in tests.
         * @visibility backend
         */
        apiEndpoint?: string;
      };
    };
  };
}
