import { PersonalDataView } from './personalData';

/**
 * Where a partition is in its life: `open` while events may still arrive,
 * `closed` once the completionist knows it is complete, `delivered` once the
 * deduper wrote it, `expired` once retention deleted the delivered data.
 *
 * @public
 */
export const PARTITION_STATES = [
  'open',
  'closed',
  'delivered',
  'expired',
] as const;

/** @public */
export type PartitionState = (typeof PARTITION_STATES)[number];

/**
 * One partition: the events of one event type received in one window of the
 * configured width (`deliveryPipeline.partitions.width`, one hour by
 * default), as `GET /api/delivery-pipeline/partitions` lists them. Every
 * duration in the API is in milliseconds, its name ending in `Ms`.
 *
 * @public
 */
export type Partition = {
  eventType: string;
  /** ISO 8601 start (inclusive) and end (exclusive) of receive time. */
  start: string;
  end: string;
  state: PartitionState;
  counts: {
    /** Events written to raw storage, resends included. */
    received: number;
    /** Uncompressed bytes of those events. */
    bytes: number;
    /** Dropped by the deduper as resends: same `(source, id)` and content. */
    duplicates: number;
    /** Dropped with the `(source, id)` of an earlier event but other content. */
    conflicts: number;
    /**
     * Failed events of the type received in the same span: events ingest
     * rejected and kept for inspection (`GET /failed-events`).
     */
    failed: number;
    /**
     * The same as `failed`.
     *
     * @deprecated Use `failed`; still sent in 0.2, removed in 0.3.
     */
    invalid?: number;
    /** In the delivered partition; absent until delivered. */
    delivered?: number;
  };
  closedAt?: string;
  deliveredAt?: string;
  /** `deliveredAt` minus `end`, in milliseconds; absent until delivered. */
  latenessMs?: number;
  /**
   * `latenessMs` in seconds.
   *
   * @deprecated Use `latenessMs`; still sent in 0.2, removed in 0.3.
   */
  latenessSeconds?: number;
  /**
   * Whether it was delivered within the type's SLA. Absent while it is not
   * delivered and the SLA has not passed yet.
   */
  slaMet?: boolean;
  /** Receive time minus the event's `time`, over its delivered events. */
  clientDelayMs?: { p50: number; p95: number; max: number };
  /** When the SLA monitor found it late, and when it was delivered after all. */
  slaBreachedAt?: string;
  slaRecoveredAt?: string;
  /** When retention deleted its raw files, or its delivered data (`expired`). */
  rawDeletedAt?: string;
  expiredAt?: string;
  /**
   * True when it was delivered with no events because none was received in
   * its window ("delivered, empty"): the completionist opens a partition for
   * every window of a registered type, so a window without one is a gap.
   */
  empty?: boolean;
};

/** @public */
export type PartitionList = { items: Partition[] };

/**
 * Delivery health of one event type over a window
 * (`GET /event-types/{name}/health`).
 *
 * @public
 */
export type EventTypeHealth = {
  eventType: string;
  window: { from: string; to: string };
  /** The SLA applied: the type's, or the configured default. */
  sla: {
    /** The longest lateness that meets the SLA, in milliseconds. */
    maxLatenessMs: number;
    /**
     * `maxLatenessMs` in seconds.
     *
     * @deprecated Use `maxLatenessMs`; still sent in 0.2, removed in 0.3.
     */
    maxLatenessSeconds?: number;
    source: 'registry' | 'default';
  };
  /**
   * Partitions whose SLA outcome was decided inside the window (met: when
   * delivered in time; missed: when the deadline passed), and how many of
   * them were met; `compliance` is their ratio (absent when there were none).
   */
  slaCompliance: { due: number; met: number; compliance?: number };
  /** Over partitions delivered inside the window, in milliseconds. */
  latenessMs: { p50?: number; p95?: number; max?: number };
  /**
   * `latenessMs` in seconds.
   *
   * @deprecated Use `latenessMs`; still sent in 0.2, removed in 0.3.
   */
  latenessSeconds?: { p50?: number; p95?: number; max?: number };
  /** The most recent delivered partition. */
  lastDelivered?: { start: string; end: string; deliveredAt: string };
  partitions: Record<'open' | 'closed' | 'delivered' | 'expired', number> & {
    /** Of the delivered and expired, those delivered empty. */
    empty?: number;
    /**
     * Windows with no partition at all although their SLA deadline passed,
     * counted from the type's first partition in the window: every window
     * of a registered type gets one (empty if nothing was received), so
     * these are windows the pipeline lost or has not opened (an alarm).
     */
    missing?: number;
  };
  volume: {
    received: number;
    delivered: number;
    duplicates: number;
    conflicts: number;
    failed: number;
    /**
     * The same as `failed`.
     *
     * @deprecated Use `failed`; still sent in 0.2, removed in 0.3.
     */
    invalid?: number;
  };
  /** (duplicates + conflicts) / received, and failed / (received + failed). */
  duplicateRate?: number;
  failedRate?: number;
  /**
   * The same as `failedRate`.
   *
   * @deprecated Use `failedRate`; still sent in 0.2, removed in 0.3.
   */
  invalidRate?: number;
};

/** @public */
export type EventTypeHealthList = { items: EventTypeHealth[] };

/**
 * One thing retention deleted (`GET /retention/deletions`).
 *
 * @public
 */
export type RetentionDeletion = {
  id: string;
  eventType: string;
  partitionStart: string;
  partitionEnd: string;
  kind: 'raw' | 'delivered';
  files: number;
  bytes?: number;
  deletedAt: string;
  /** In words, with the policy applied, e.g. `raw retention P7D passed`. */
  reason: string;
};

/** @public */
export type RetentionDeletionList = {
  items: RetentionDeletion[];
  nextCursor?: string;
};

/**
 * Rows of a delivered partition (`GET /partitions/{type}/{start}/preview`):
 * each row is a delivered CloudEvent with its `receivedAt`.
 *
 * @public
 */
export type PartitionPreview = {
  eventType: string;
  start: string;
  /**
   * Personal values are decrypted or masked, as `personalData` says; the
   * data subject's field shows the clear id or the pseudonym.
   */
  rows: Array<Record<string, unknown>>;
  /** How personal data shows in `rows`; absent when the type has none. */
  personalData?: PersonalDataView;
  /** Events in the partition, of which `rows` are the first. */
  totalRows: number;
  /** Where the delivered files are (`file://`, `gs://`). */
  location: string;
};

/**
 * A failed event: one that ingest rejected (it failed the checks of the
 * CloudEvents binding or the registry), kept with its reason for
 * inspection and replay (`GET /failed-events`).
 *
 * @public
 */
export type FailedEvent = {
  id: string;
  /** ISO 8601 receive time. */
  receivedAt: string;
  /** The CloudEvents attributes, when the event had readable ones. */
  eventType?: string;
  source?: string;
  eventId?: string;
  /** Why it was rejected, in words a producer can act on. */
  reason: string;
  /**
   * The event as received (JSON text), cut to the configured size. Stored
   * encrypted; shown in clear to readers allowed to read the type's personal
   * data, else with every value under `data` masked (see `payloadMasked`).
   */
  payload: string;
  /** Whether `payload` shows {@link MASKED_VALUE} in place of values. */
  payloadMasked?: boolean;
  /** Whether `payload` was cut; a cut event cannot be replayed. */
  payloadTruncated: boolean;
  /** Subject of the credentials that sent it. */
  producer?: string;
  /** ISO 8601 time a replay accepted it; it is then in the pipeline. */
  replayedAt?: string;
};

/**
 * A page of failed events, newest first.
 *
 * @public
 */
export type FailedEventPage = {
  items: FailedEvent[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
};
