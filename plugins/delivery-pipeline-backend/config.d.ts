import { HumanDuration } from '@backstage/types';

export interface Config {
  /** The delivery pipeline (plugin delivery-pipeline). */
  deliveryPipeline?: {
    /** `POST /api/delivery-pipeline/events`. Over a limit: 413. */
    ingest?: {
      /**
       * Largest request body, in bytes, after gzip decoding. Default 1048576 (1 MiB).
       * @visibility backend
       */
      maxRequestBytes?: number;
      /**
       * Largest single event, in bytes of its JSON. Default 262144 (256 KiB).
       * @visibility backend
       */
      maxEventBytes?: number;
      /**
       * Most events in one batch request. Default 1000.
       * @visibility backend
       */
      maxBatchEvents?: number;
      /**
       * Deepest nesting of objects and arrays in an event. Default 64.
       * @visibility backend
       */
      maxEventDepth?: number;
      /**
       * Limits on what a producer may send, by the subject of its token
       * (`local-dev-producer` for an external-access token with that
       * subject, `user:default/jane` for a user). A subject listed here
       * gets 403 for any other event type or source; one not listed is not
       * limited.
       */
      producers?: Array<{
        /** @visibility backend */
        subject: string;
        /**
         * Event types it may send; `*` at the end matches any suffix, e.g.
         * `com.example.playback.*`. Default: all.
         * @visibility backend
         */
        eventTypes?: string[];
        /**
         * CloudEvents sources it may use, with the same `*` suffix rule.
         * Default: all.
         * @visibility backend
         */
        sources?: string[];
      }>;
    };
    /** Where rejected events are kept with their reason. */
    failedEvents?: {
      /**
       * Most bytes of a rejected payload kept; the rest is cut off (and the
       * event cannot be replayed). Default 65536.
       * @visibility backend
       */
      maxPayloadBytes?: number;
    };
    /** Carries accepted events to the consumer. A module may replace it. */
    transport?: {
      /**
       * `local`: a SQLite file of its own, written by a worker thread with
       * group commit; for one backend process (the default).
       * `database`: the plugin's database; on PostgreSQL, shared by every
       * backend replica.
       * @visibility backend
       */
      type?: 'local' | 'database';
      /**
       * Folder of the local transport's file. Default
       * `data/delivery-pipeline/transport` under the working directory.
       * @visibility backend
       */
      directory?: string;
      /**
       * Most events held before ingest answers 429. Default 1000000.
       * @visibility backend
       */
      maxBacklogEvents?: number;
      /**
       * Most bytes held before ingest answers 429. Default 1073741824 (1 GiB).
       * @visibility backend
       */
      maxBacklogBytes?: number;
    };
    /** Where partitions are written. A module may replace it. */
    storage?: {
      /**
       * Folder of the local file storage. Default `data/delivery-pipeline/storage`
       * under the working directory.
       * @visibility backend
       */
      directory?: string;
    };
    /** Moves events from the transport into raw partitions. */
    consumer?: {
      /**
       * Most events per claim, one write per partition. Default 20000.
       * @visibility backend
       */
      maxEvents?: number;
      /**
       * How long a claim is held before another replica may take it over.
       * Default 60 seconds.
       * @visibility backend
       */
      lease?: HumanDuration | string;
      /**
       * How long to wait when the transport is empty. Default 500 ms.
       * @visibility backend
       */
      pollInterval?: HumanDuration | string;
    };
    partitions?: {
      /**
       * The span of receive time a partition covers. Default one hour; must
       * divide a day evenly (seconds for tests and demos).
       * @visibility backend
       */
      width?: HumanDuration | string;
    };
  };
}
