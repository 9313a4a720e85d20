/** A start or delivery time exactly as the database returned it. */
export type DbTime = Date | string | number;

/**
 * A partition as the SLA monitor sees it. `key` and `deliveredKey` are its
 * start and delivery time exactly as the database returned them, to address
 * the row again without a conversion.
 */
export type SlaPartition = {
  eventType: string;
  start: Date;
  end: Date;
  state: 'open' | 'closed' | 'delivered' | 'expired';
  deliveredAt?: Date;
  breachedAt?: Date;
  notifiedAt?: Date;
  recoveredAt?: Date;
  key: DbTime;
  deliveredKey: DbTime | null;
};

/** A position in a listing ordered by start, then event type. */
export type SlaCursor = { key: DbTime; eventType: string };

/**
 * What the SLA monitor reads and records. Every record is a conditional
 * update that says whether it changed the row, so of several monitors only
 * one acts on each change.
 */
export interface SlaStore {
  /**
   * Event types with partitions that ended in `(endedAfter, endedBy]` and
   * have not been found late.
   */
  listEventTypesToCheck(options: {
    endedAfter: Date;
    endedBy: Date;
  }): Promise<string[]>;

  /**
   * Partitions of a type not found late yet that ended in
   * `(endedAfter, endedBy)`: those whose deadline has passed, to check.
   * Oldest first, `limit` at a time after `after`.
   */
  listUnbreached(options: {
    eventType: string;
    endedAfter: Date;
    endedBefore: Date;
    limit: number;
    after?: SlaPartition;
  }): Promise<SlaPartition[]>;

  /**
   * Records that a partition was found late, unless it already was; when it
   * is delivered already, it is recorded as recovered at its delivery time
   * in the same update. Returns whether this call recorded it.
   */
  recordBreach(partition: SlaPartition, breachedAt: Date): Promise<boolean>;

  /**
   * Breached partitions that ended after `endedAfter` and have been
   * delivered since, without a recorded recovery.
   */
  listUnrecovered(options: {
    endedAfter: Date;
    limit: number;
    after?: SlaCursor;
  }): Promise<SlaPartition[]>;

  /** Records `sla_recovered_at` = `delivered_at`, unless it already was. */
  recordRecovery(partition: SlaPartition): Promise<boolean>;

  /** Undoes {@link SlaStore.recordRecovery}, so it is done again. */
  clearRecovery(partition: SlaPartition): Promise<void>;

  /**
   * Breached partitions that ended after `endedAfter`, found late at or
   * before `breachedBy`, whose owners have not been told.
   */
  listUnnotified(options: {
    endedAfter: Date;
    breachedBy: Date;
    limit: number;
    after?: SlaCursor;
  }): Promise<SlaPartition[]>;

  /**
   * Records that the owners were told of these partitions' breach; those
   * already recorded keep their time. Returns how many this call recorded.
   */
  recordNotified(partitions: SlaPartition[], notifiedAt: Date): Promise<number>;
}
