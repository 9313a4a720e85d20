import { CompatibilityProblem, CompatibilityResult } from '../types';
import { ReferrerImpact } from './referrerImpact';

/**
 * A catalog component that consumes an event type: it lists the type's
 * `API` entity in `spec.consumesApis`.
 *
 * @public
 */
export type EventTypeConsumer = {
  /** e.g. `component:default/playback-analytics`. */
  entityRef: string;
  title?: string;
  /** Entity ref of its owner, e.g. `group:default/analytics`. */
  owner?: string;
  /**
   * The dotted paths it reads, from its `event-schemas/fields-read`
   * annotation; absent when it has none, which means every field.
   */
  fieldsRead?: string[];
};

/**
 * Who a compatibility problem breaks.
 *
 * @public
 */
export type CompatibilityProblemImpact = CompatibilityProblem & {
  /** The consumers that read its field, or inside it, or around it. */
  consumers: EventTypeConsumer[];
};

/**
 * Who the problems of a compatibility check break, among the type's
 * consumers in the catalog.
 *
 * @public
 */
export type CompatibilityImpact = {
  /** Every consumer checked against. */
  consumers: EventTypeConsumer[];
  /** Every problem, with the consumers it affects (maybe none). */
  problems: CompatibilityProblemImpact[];
  /** The problems that affect no consumer. */
  affectingNobody: CompatibilityProblem[];
};

/**
 * The answer of `POST /event-types/{name}/compatibility`: the check, who
 * its problems break, and what the types that reference it make of it.
 *
 * @public
 */
export type CompatibilityCheck = CompatibilityResult & {
  /** Absent from registries older than consumer impact. */
  impact?: CompatibilityImpact;
  /** Absent from registries older than referrer verdicts. */
  referrers?: ReferrerImpact;
};

/**
 * The fields an `event-schemas/fields-read` annotation lists, or undefined
 * (every field) when it is absent or lists none.
 *
 * @public
 */
export function parseFieldsRead(
  annotation: string | undefined,
): string[] | undefined {
  const fields = (annotation ?? '')
    .split(',')
    .map(field => field.trim())
    .filter(field => field !== '');
  return fields.length > 0 ? [...new Set(fields)] : undefined;
}

// `contacts[].email` -> ['contacts', 'email']: a consumer may write an
// array's items either way.
function segments(field: string): string[] {
  return field
    .replace(/\[\]/g, '')
    .split('.')
    .filter(part => part !== '');
}

function startsWith(whole: string[], prefix: string[]): boolean {
  return prefix.every((part, index) => whole[index] === part);
}

/**
 * Whether a problem at `field` breaks a consumer that reads `fieldsRead`:
 * the field equals, is inside, or contains a field it reads. A problem of
 * the whole event (`''`), or a consumer that reads every field, always does.
 *
 * @public
 */
export function problemAffects(options: {
  field: string;
  fieldsRead?: string[];
}): boolean {
  const { fieldsRead } = options;
  const field = segments(options.field);
  if (!fieldsRead || field.length === 0) return true;
  return fieldsRead.map(segments).some(read => {
    const shorter = read.length <= field.length ? read : field;
    const longer = read.length <= field.length ? field : read;
    return startsWith(longer, shorter);
  });
}

/**
 * Maps each problem of a compatibility check to the consumers it breaks.
 *
 * @public
 */
export function compatibilityImpact(options: {
  problems: CompatibilityProblem[];
  consumers: EventTypeConsumer[];
}): CompatibilityImpact {
  const { consumers } = options;
  const problems = options.problems.map(problem => ({
    ...problem,
    consumers: consumers.filter(consumer =>
      problemAffects({
        field: problem.field,
        fieldsRead: consumer.fieldsRead,
      }),
    ),
  }));
  return {
    consumers,
    problems,
    affectingNobody: problems
      .filter(problem => problem.consumers.length === 0)
      .map(({ consumers: _none, ...problem }) => problem),
  };
}
