import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** The schema registry (plugin event-schemas). */
  eventSchemas?: {
    permissions?: {
      /**
       * Catalog groups whose members may register event types for any
       * group, change and delete any type, produce into any type and read
       * every type's failed events and previews, e.g.
       * group:default/data-platform. Everyone else registers, changes,
       * produces and reads only for the groups they belong to. Used by the
       * suite's policy (EventSchemasPermissionPolicy).
       * @visibility backend
       */
      adminGroups?: string[];
      /**
       * Catalog groups whose members handle privacy requests: they may erase
       * data subjects (delivery-pipeline.data-subject.erase) without being
       * allowed to read personal data. The admin groups may too.
       * @visibility backend
       */
      privacyGroups?: string[];
    };
    /**
     * Limits on registered schemas (requests over them get a 400 or 413)
     * and on how often they are registered (429).
     */
    limits?: {
      /**
       * Largest schema text, in bytes. Default 262144 (256 KiB).
       * @visibility backend
       */
      maxSchemaBytes?: number;
      /**
       * Deepest nesting of objects and arrays in a schema. Default 32.
       * @visibility backend
       */
      maxSchemaDepth?: number;
      /**
       * Longest regular expression in a JSON schema's pattern. Default 1000.
       * @visibility backend
       */
      maxPatternLength?: number;
      /**
       * Registrations (new event types and new versions) each user or
       * service may make per minute; more get 429 with Retry-After.
       * Default 30.
       * @visibility backend
       */
      registrationsPerMinute?: number;
      /**
       * Largest event data `POST /validate` accepts, in bytes of its JSON;
       * over it: 413. Default deliveryPipeline.ingest.maxEventBytes, else
       * 262144 (256 KiB).
       * @visibility backend
       */
      maxEventBytes?: number;
      /**
       * Deepest nesting of objects and arrays in an event `POST /validate`
       * accepts, the event itself being level 1 as in ingest (the data may
       * nest one level less); deeper: 400. Default
       * deliveryPipeline.ingest.maxEventDepth, else 64.
       * @visibility backend
       */
      maxEventDepth?: number;
    };
    /** Applied to event types registered without their own values. */
    defaults?: {
      retention?: {
        /**
         * How long raw partitions are kept, ISO 8601. Default P7D.
         * @visibility backend
         */
        raw?: string;
        /**
         * How long delivered partitions are kept, ISO 8601. Default P90D.
         * @visibility backend
         */
        delivered?: string;
      };
      sla?: {
        /**
         * Maximum lateness of an hourly partition, ISO 8601. Default PT3H.
         * @visibility backend
         */
        maxLateness?: string;
      };
    };
    /**
     * The sync of event type files from the repositories that declare them
     * with the `event-schemas/event-types` annotation.
     */
    sync?: {
      /**
       * When to sync every annotated entity. Default: every 5 minutes, the
       * first run 15 seconds after start; one instance at a time.
       * @visibility backend
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The sync of the entities that the catalog's SCM events (pushes)
       * name, between scheduled runs.
       */
      scmEvents?: {
        /**
         * How long a burst of SCM events is collected before the entities
         * they name are synced, each once. Default 10 seconds.
         * @visibility backend
         */
        debounce?: HumanDuration | string;
      };
    };
    demoData?: {
      /**
       * Folders of demo event types (JSON bodies of POST /event-types, plus
       * optional `versions`), registered at startup unless already there.
       * For local portals; app-config.production.yaml sets it to [].
       * @visibility backend
       */
      directories?: string[];
    };
    /** The lifecycle of deprecated event types. */
    sunset?: {
      /**
       * How often the registry retires the deprecated types whose sunset
       * date has come and reminds their consumers (30, 7 and 1 day before,
       * and at retirement). Runs on one replica at a time. Default every 5
       * minutes, 5 minute timeout, first run 30 seconds after start, scope
       * global.
       * @visibility backend
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
