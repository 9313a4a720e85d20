import {
  CompatibilityImpact,
  EventTypeConsumer,
  ReferrerImpact,
} from '@data-collection/plugin-event-schemas-common';

/** How many consumers or referrers a line names before it counts the rest. */
const LISTED = 5;

/**
 * What the registry's compatibility answer says beyond the verdict, as lines
 * under the file in `check --registry`'s text output: who each breaking
 * change breaks among the type's consumers, and how the types that
 * reference it would take the change.
 */
export function describeRegistryFindings(options: {
  impact?: CompatibilityImpact;
  referrers?: ReferrerImpact;
}): string[] {
  return [
    ...describeImpact(options.impact),
    ...describeReferrers(options.referrers),
  ];
}

function describeImpact(impact: CompatibilityImpact | undefined): string[] {
  if (!impact) return [];
  const lines: string[] = [];
  for (const problem of impact.problems) {
    if (problem.consumers.length === 0) continue;
    lines.push(
      `    breaks ${listConsumers(problem.consumers)}: ${problem.message}`,
    );
  }
  if (impact.affectingNobody.length > 0) {
    lines.push(
      `    affects none of the ${impact.consumers.length} consumer${
        impact.consumers.length === 1 ? '' : 's'
      } in the catalog: ${impact.affectingNobody
        .map(problem => problem.message)
        .join('; ')}`,
    );
  }
  return lines;
}

function listConsumers(consumers: EventTypeConsumer[]): string {
  const named = consumers
    .slice(0, LISTED)
    .map(c => (c.owner ? `${c.entityRef} (owner ${c.owner})` : c.entityRef));
  const more = consumers.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function describeReferrers(referrers: ReferrerImpact | undefined): string[] {
  if (!referrers) return [];
  const lines = referrers.items
    .filter(referrer => !referrer.compatible)
    .map(referrer => {
      const through = referrer.path
        .slice(1, -1)
        .map(step => step ?? 'a type you may not read');
      return `    referenced by ${referrer.eventType} (version ${
        referrer.version
      }${through.length > 0 ? `, through ${through.join(' -> ')}` : ''}), not ${
        referrer.mode
      } compatible when it moves to this version: ${referrer.problems
        .map(problem => problem.message)
        .join('; ')}`;
    });
  const { unreadable, more } = referrers;
  if (unreadable.incompatible > 0) {
    lines.push(
      `    and ${unreadable.incompatible} referencing type${
        unreadable.incompatible === 1 ? '' : 's'
      } you may not read, not compatible when moved to this version`,
    );
  }
  if (more > 0) {
    lines.push(
      `    ${more} more referencing type${
        more === 1 ? ' was' : 's were'
      } not judged (the registry judges the nearest ones in one check)`,
    );
  }
  return lines;
}
