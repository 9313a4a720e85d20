import { CompatibilityMode, CompatibilityProblem } from '../types';

/**
 * What a type that references the checked type, directly or through other
 * types, would make of the draft: its latest version resolved with the
 * draft in place of the version it references, judged against its own
 * versions under its own compatibility mode.
 *
 * @public
 */
export type ReferrerVerdict = {
  eventType: string;
  /** Its latest version, the one judged. */
  version: number;
  /** 1 when it references the checked type itself, 2 through one type, ... */
  depth: number;
  /**
   * The types from it to the checked type, both included; `null` for a
   * type on the way that the caller may not read.
   */
  path: Array<string | null>;
  compatible: boolean;
  /** Its compatibility mode, which it is judged under. */
  mode: CompatibilityMode;
  /** Why it is not compatible; empty when it is. */
  problems: CompatibilityProblem[];
};

/**
 * How the types that reference the checked type would take a draft. The
 * registry refuses nothing for it: each referrer pins the version it
 * references, and reads the draft only once its owners move it there.
 *
 * @public
 */
export type ReferrerImpact = {
  /** The referrers the caller may read, nearest first, then by name. */
  items: ReferrerVerdict[];
  /** Referrers the caller may not read: counted, not named. */
  unreadable: { count: number; incompatible: number };
  /** Referrers beyond the number the registry judges in one check. */
  more: number;
};
