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
       * What each service may produce, by the subject of its token (e.g.
       * `playback-service` for an external-access token with that
       * subject). A service not listed here may produce nothing; a listed
       * one gets 403 for any other event type or source. Users are not
       * listed: the permission policy decides for them
       * (`delivery-pipeline.event-type.produce`; the suite's: members of
       * the type's owner group and the registry admins).
       */
      producers?: Array<{
        /** @visibility backend */
        subject: string;
        /**
         * Event types it may produce; `*` at the end matches any suffix,
         * e.g. `com.example.playback.*`, and `*` alone every type.
         * @visibility backend
         */
        eventTypes: string[];
        /**
         * CloudEvents sources it may use. `//host/*` grants the source and
         * everything below it; sources are compared in normal form (`..`,
         * `.`, empty segments, escapes and a trailing `/` resolved), and
         * one that climbs above its start matches nothing. Default: all.
         * @visibility backend
         */
        sources?: string[];
      }>;
    };
    /** The schema registry, as the pipeline reads it. */
    registry?: {
      /**
       * How long the pipeline goes on with what it last read of an event
       * type (its versions, its lifecycle) while the registry cannot be
       * reached, as HTTP's `stale-if-error` (RFC 5861): a collector
       * deployed apart from the portal keeps accepting events while the
       * portal restarts. Past it, or for a type it never read, ingest
       * answers 503 and producers retry. A change the registry made
       * meanwhile (a type retired, a new latest version) is seen once it
       * answers again. Default 15 minutes; 0 turns it off.
       * @visibility backend
       */
      staleIfError?: HumanDuration | string;
    };
    /** Where rejected events are kept with their reason. */
    failedEvents?: {
      /**
       * Most bytes of a rejected payload kept; the rest is cut off (and the
       * event cannot be replayed). Default 65536.
       * @visibility backend
       */
      maxPayloadBytes?: number;
      /**
       * How long failed events are kept: they may hold personal data in any
       * field. Default 7 days.
       * @visibility backend
       */
      retention?: HumanDuration | string;
    };
    /** Bounds on what one request to the API reads. */
    api?: {
      /**
       * Longest time window (`from` to `to`) one request covers: longer
       * ones get 400. Default 31 days.
       * @visibility backend
       */
      maxWindow?: HumanDuration | string;
      /**
       * Payload bytes after which a page of failed events (and a replay)
       * stops, with a cursor (`more` for a replay) for the rest; a page holds
       * at least one event. Default 4194304 (4 MiB).
       * @visibility backend
       */
      maxPageBytes?: number;
    };
    /**
     * Personal data: the fields an event type marks as personal are
     * encrypted at ingest with a key per data subject, kept in a keychain in
     * the plugin's database; erasing a person deletes their key.
     */
    personalData?: {
      /**
       * The key-encryption key that wraps the keychain, as a JSON key set
       * file. Generated on the first start (while the keychain is empty);
       * keep it secret, out of git, and backed up: without it, all personal
       * data is unreadable. Ignored when a module sets a key-encryption key
       * (Cloud KMS in the GCP module). Default
       * `data/delivery-pipeline/key-encryption-key.json` under the working
       * directory.
       * @visibility backend
       */
      keyEncryptionKeyFile?: string;
      /**
       * How long a replica uses a key it read: an erasure made on another
       * replica takes effect here within this time. Default 30 seconds.
       * @visibility backend
       */
      keyCacheTtl?: HumanDuration | string;
      /**
       * Most keys a replica keeps in memory (one per active person).
       * Default 100000.
       * @visibility backend
       */
      keyCacheSize?: number;
      /**
       * Data subject ids whose events are refused (dropped, not kept), on
       * top of those erased with `suppress=true`.
       * @visibility secret
       */
      suppressedSubjects?: string[];
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
      /**
       * How long after its end a partition stays open at least, even once
       * the transport holds nothing older: room for clock differences
       * between replicas. Default 5 minutes.
       * @visibility backend
       */
      grace?: HumanDuration | string;
    };
    /** Closes complete partitions (a scheduled task, one replica at a time). */
    completionist?: {
      /**
       * How often it looks for partitions to close. Default 30 seconds.
       * @visibility backend
       */
      frequency?: HumanDuration | string;
      /**
       * Longest run. Also how long closing stalls when a replica dies while
       * running it: the scheduler's lock is freed only after this (and its
       * cleanup, once a minute). A run takes milliseconds. Default 1 minute.
       * @visibility backend
       */
      timeout?: HumanDuration | string;
      /**
       * Windows without events get a partition too, from the event type's
       * registration on (but never before the pipeline's first run), so
       * they are delivered empty and a missing partition is a real gap.
       * This bounds how far back that goes, e.g. after the consumer or the
       * registry was down a long time. Default 7 days.
       * @visibility backend
       */
      maxQuietBackfill?: HumanDuration | string;
      /**
       * Most windows without events opened in one run (the rest are opened
       * by the next runs). Default 1000.
       * @visibility backend
       */
      maxQuietPartitionsPerRun?: number;
    };
    /**
     * Deduplicates closed partitions and writes the delivered ones. Every
     * replica runs it, taking partitions one by one.
     */
    deduper?: {
      /**
       * How often it looks for closed partitions; the exporter's task, which
       * hands delivered partitions to the exporters, runs as often. Default
       * 30 seconds.
       * @visibility backend
       */
      frequency?: HumanDuration | string;
      /**
       * Longest run before the scheduler gives up on it (the exporter's task
       * too). Default 1 hour.
       * @visibility backend
       */
      timeout?: HumanDuration | string;
      /**
       * How long a replica's claim on a partition lasts; renewed while it
       * works. A replica that dies mid-partition holds it this long before
       * another takes it over. Default 60 seconds.
       * @visibility backend
       */
      lease?: HumanDuration | string;
      /**
       * Duplicates are also looked for in the type's partitions delivered
       * within this span before a partition's start. Default 1 hour.
       * @visibility backend
       */
      lookback?: HumanDuration | string;
      /**
       * Bytes of keys held in memory; a partition with more spills to disk
       * and is deduplicated bucket by bucket. The files worked on at once
       * and the spill buffers are sized from it too; the process, its
       * worker threads, files being written and what the allocator keeps
       * come on top (see DedupeOptions.maxMemoryBytes). Default 536870912
       * (512 MiB).
       * @visibility backend
       */
      maxMemory?: number;
      /**
       * Worker threads that decompress, scan and compress files while a
       * partition is delivered; they share the cores with ingest in the
       * same process. 0 does it all on the main thread. Default: the number
       * of cores, at most 4.
       * @visibility backend
       */
      workerThreads?: number;
      /**
       * Folder for spill files. Default `delivery-pipeline-spill` in the
       * system's temporary folder.
       * @visibility backend
       */
      spillDirectory?: string;
    };
    /** Lateness monitoring: when a partition misses its SLA. */
    sla?: {
      /**
       * The SLA of event types the registry no longer knows: most time from
       * the end of a partition to its delivery. Registered types have their
       * own. Default 3 hours, as the registry's default SLA.
       * @visibility backend
       */
      defaultMaxLateness?: HumanDuration | string;
      /**
       * How often late partitions are looked for. Default 1 minute.
       * @visibility backend
       */
      frequency?: HumanDuration | string;
    };
    /**
     * The signals that tell open delivery pages a partition was delivered,
     * is late or is missing, so that they refetch at once.
     */
    signals?: {
      /**
       * Who gets them: `everyone` signed in (the default, as the suite's
       * policy lets every signed-in user read every event type), or
       * `owners`, the members of each type's owner group, for a policy that
       * hides types from some users: a signal names its type. Others' pages
       * then see changes at their next poll.
       * @visibility backend
       */
      audience?: 'everyone' | 'owners';
    };
    /** Deletes partitions past their event type's retention. */
    retention?: {
      /**
       * How often it runs. Default 1 hour.
       * @visibility backend
       */
      frequency?: HumanDuration | string;
      /**
       * Raw retention of types the registry no longer knows. Default: kept.
       * @visibility backend
       */
      defaultRaw?: HumanDuration | string;
      /**
       * Delivered retention of types the registry no longer knows. Default:
       * kept.
       * @visibility backend
       */
      defaultDelivered?: HumanDuration | string;
    };
  };
}
