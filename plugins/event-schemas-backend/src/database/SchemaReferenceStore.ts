import { SchemaReference } from '@data-collection/plugin-event-schemas-common';

/** A version that references another: `eventType` v`version` -> v`referencedVersion`. */
export type SchemaReferrer = {
  eventType: string;
  version: number;
  referencedType: string;
  referencedVersion: number;
  /** Whether `version` is its type's latest. */
  latest: boolean;
};

/**
 * The references between registered versions. They are written with the
 * version that holds them (see insertVersionReferences), so this store only
 * reads.
 */
export interface SchemaReferenceStore {
  /**
   * The versions of event types that are not deleted which reference
   * `eventType` (its version `version` only, when given), other than
   * `eventType`'s own versions.
   */
  listReferrers(options: {
    eventType: string;
    version?: number;
  }): Promise<SchemaReferrer[]>;

  /**
   * The versions of event types that are not deleted which reference any
   * version of `eventTypes`, other than the versions of the type they
   * reference: one step of a walk up the graph of references.
   */
  listReferrersOfTypes(options: {
    eventTypes: string[];
  }): Promise<SchemaReferrer[]>;

  /** The versions that a version references directly. */
  listReferences(options: {
    eventType: string;
    version: number;
  }): Promise<SchemaReference[]>;
}
