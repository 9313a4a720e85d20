import {
  CompatibilityImpact,
  ReferrerImpact,
} from '@data-collection/plugin-event-schemas-common';
/**
 * One problem of an event type file, where it is: `file` and `line` point
 * at the offending key (in the schema file for a change in a `schemaFile`).
 */
export type CheckProblem = {
  /** The file, relative to the working directory. */
  file: string;
  /** From 1. */
  line: number;
  /** A JSON pointer into the file; empty for the whole file. */
  pointer: string;
  /** What is wrong, naming the field or schema path at fault. */
  message: string;
  /** What kind of problem, as an annotation's title. */
  title: string;
};

/** How a file's schema compared with its earlier version. */
export type CheckComparison = {
  /** The git ref or the registry's URL. */
  against: string;
  status: 'compatible' | 'incompatible' | 'new' | 'not-compared';
  /** The mode the file was checked under (with a git ref). */
  mode?: string;
  /** Who a breaking change affects, as the registry answers it, when it does. */
  impact?: CompatibilityImpact;
  /** How the types that reference it would take it, as the registry answers. */
  referrers?: ReferrerImpact;
};

/** The outcome for one event type file, as `--json` prints it. */
export type FileOutcome = {
  path: string;
  /** The event type's name, when the file could be read. */
  name?: string;
  ok: boolean;
  problems: CheckProblem[];
  /** What could not be checked, which fails nothing (e.g. an invalid file at the git ref). */
  warnings: CheckProblem[];
  comparison?: CheckComparison;
};

/** The outcome of `event-schemas check`, as `--json` prints it. */
export type CheckOutcome = {
  ok: boolean;
  against?: string;
  registry?: string;
  files: FileOutcome[];
};
