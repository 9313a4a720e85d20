import { escapePointerSegment } from '../../schema/jsonSchema/pointer';
import {
  Comparison,
  Location,
  Problem,
  deeper,
  isDefined,
  problem,
  smallest,
} from './comparison';
import { STRING_NODE } from './nodes';
import { Shape, propertySchemas, shapeOf } from './shape';
import { conformsTo } from './values';
import { describeLimit } from './wording';

type Options = { comparison: Comparison; a: Shape; b: Shape; at: Location };

/** Object keywords of `b` that objects valid under `a` may break. */
export function objectProblems(options: Options): Problem[] {
  const { comparison, a, b, at } = options;
  const { words } = comparison;
  const problems: Problem[] = [];
  for (const name of b.required.filter(
    required => !a.required.includes(required),
  )) {
    problems.push(
      problem({
        at,
        keyword: '/required',
        text: words.pick(
          `property '${name}' became required`,
          `property '${name}' is no longer required`,
        ),
      }),
    );
  }
  const aMin = Math.max(a.minProperties, a.required.length);
  if (b.minProperties > aMin) {
    problems.push(
      problem({
        at,
        keyword: '/minProperties',
        text: describeLimit(words.oldNew(aMin || undefined, b.minProperties)),
      }),
    );
  }
  const aMax = smallest([a.maxProperties, closedNames(a)?.length]);
  if (
    b.maxProperties !== undefined &&
    (aMax === undefined || aMax > b.maxProperties)
  ) {
    problems.push(
      problem({
        at,
        keyword: '/maxProperties',
        text: describeLimit(words.oldNew(aMax, b.maxProperties)),
      }),
    );
  }
  problems.push(
    ...dependencyProblems(options),
    ...propertyNameProblems(options),
  );
  if (b.objects.length > 0) {
    problems.push(
      ...namedPropertyProblems(options),
      ...patternPropertyProblems(options),
      ...otherPropertyProblems(options),
    );
  }
  return problems;
}

/** Whether an object valid under the shape can never have the property. */
export function forbidsProperty(options: {
  shape: Shape;
  property: string;
}): boolean {
  const { shape, property } = options;
  return shape.objects.some(part =>
    propertySchemas({ part, name: property }).some(
      entry => entry.node.schema === false,
    ),
  );
}

function dependencyProblems({ comparison, a, b, at }: Options): Problem[] {
  const problems: Problem[] = [];
  for (const dependency of b.dependentRequired) {
    for (const name of dependency.required) {
      const implied =
        a.required.includes(name) ||
        forbidsProperty({ shape: a, property: dependency.property }) ||
        a.dependentRequired.some(
          own =>
            own.property === dependency.property && own.required.includes(name),
        );
      if (!implied) {
        problems.push(
          problem({
            at,
            keyword: `/${dependency.keyword}`,
            text: comparison.words.pick(
              `property '${name}' became required when '${dependency.property}' is present`,
              `property '${name}' is no longer required when '${dependency.property}' is present`,
            ),
          }),
        );
      }
    }
  }
  return problems;
}

function propertyNameProblems({ comparison, a, b, at }: Options): Problem[] {
  return b.propertyNames.flatMap(node => {
    const problems = comparison.nodes({
      subset: [...a.propertyNames, STRING_NODE],
      superset: node,
      at: deeper({ at, keyword: '/propertyNames' }),
    });
    if (problems.length === 0) {
      return [];
    }
    // A closed object can only have the names it lists: check those.
    const shape = shapeOf(node);
    const allFit = closedNames(a)?.every(
      name =>
        conformsTo({ budget: comparison.budget, value: name, shape }) === true,
    );
    return allFit ? [] : problems;
  });
}

// Properties either side names explicitly.
function namedPropertyProblems({ comparison, a, b, at }: Options): Problem[] {
  const { words } = comparison;
  const names = new Set(
    [...a.objects, ...b.objects].flatMap(part => [...part.properties.keys()]),
  );
  const problems: Problem[] = [];
  for (const name of names) {
    const aEntries = a.objects.flatMap(part => propertySchemas({ part, name }));
    const subset = aEntries.map(entry => entry.node);
    if (subset.some(node => node.schema === false)) {
      continue;
    }
    const where = deeper({
      at,
      keyword: `/properties/${escapePointerSegment(name)}`,
    });
    // Undeclared on the subset side and let through by an open schema.
    const undeclared = aEntries.every(
      entry => entry.origin === 'additional' && entry.node.schema === true,
    );
    for (const part of b.objects) {
      for (const { node, origin } of propertySchemas({ part, name })) {
        if (node.schema === false && origin === 'additional') {
          problems.push(
            problem({
              at: where,
              text: words.pick(
                `property removed, but the new schema does not allow other properties (${part.additionalKeyword}: false)`,
                `property added, but the old schema does not allow other properties (${part.additionalKeyword}: false)`,
              ),
            }),
          );
          continue;
        }
        const found = comparison.nodes({ subset, superset: node, at: where });
        if (found.length > 0 && undeclared && origin === 'property') {
          problems.push(
            problem({
              at: where,
              text: words.pick(
                'property added with constraints, but the old schema allowed any value for it (open additionalProperties)',
                'property removed, so the new schema allows any value for it (open additionalProperties) where the old schema had constraints',
              ),
            }),
          );
        } else {
          problems.push(...found);
        }
      }
    }
  }
  return problems;
}

// Properties matching the subset side's patterns, beyond the named ones.
function patternPropertyProblems({ comparison, a, b, at }: Options): Problem[] {
  const problems: Problem[] = [];
  for (const pattern of a.objects.flatMap(part => part.patterns)) {
    if (pattern.node.schema === false) {
      continue;
    }
    const where = deeper({
      at,
      keyword: `/patternProperties/${escapePointerSegment(pattern.pattern)}`,
    });
    const subset = [pattern.node];
    for (const part of b.objects) {
      // Other patterns may or may not match the same names: whether they
      // overlap is not decided, so their schemas must hold as well.
      for (const other of part.patterns) {
        problems.push(
          ...comparison.nodes({ subset, superset: other.node, at: where }),
        );
      }
      const identical = part.patterns.some(
        other => other.pattern === pattern.pattern,
      );
      if (identical || !part.additional) {
        continue;
      }
      problems.push(
        ...(part.additional.schema === false
          ? [
              problem({
                at: where,
                text: comparison.words.pick(
                  `removed, but the new schema does not allow other properties (${part.additionalKeyword}: false)`,
                  `added, but the old schema does not allow other properties (${part.additionalKeyword}: false)`,
                ),
              }),
            ]
          : comparison.nodes({ subset, superset: part.additional, at: where })),
      );
    }
  }
  return problems;
}

// Properties the subset side neither names nor matches with a pattern.
function otherPropertyProblems({ comparison, a, b, at }: Options): Problem[] {
  const subset = a.objects.map(part => part.additional).filter(isDefined);
  if (subset.some(node => node.schema === false)) {
    return [];
  }
  const aPatterns = new Set(
    a.objects.flatMap(part => part.patterns.map(p => p.pattern)),
  );
  const problems: Problem[] = [];
  for (const part of b.objects) {
    for (const pattern of part.patterns.filter(
      p => !aPatterns.has(p.pattern),
    )) {
      problems.push(
        ...comparison.nodes({
          subset,
          superset: pattern.node,
          at: deeper({
            at,
            keyword: `/patternProperties/${escapePointerSegment(
              pattern.pattern,
            )}`,
          }),
        }),
      );
    }
    if (part.additional?.schema === false) {
      problems.push(
        problem({
          at,
          keyword: `/${part.additionalKeyword}`,
          text: comparison.words.pick(
            'closed (false) but the old schema allows other properties',
            'closed (false) in the old schema but the new schema allows other properties',
          ),
        }),
      );
    } else if (part.additional) {
      problems.push(
        ...comparison.nodes({
          subset,
          superset: part.additional,
          at: deeper({ at, keyword: `/${part.additionalKeyword}` }),
        }),
      );
    }
  }
  return problems;
}

// The property names a closed object may have, when it is closed.
function closedNames(shape: Shape): string[] | undefined {
  const closed = shape.objects.find(
    part => part.additional?.schema === false && part.patterns.length === 0,
  );
  return closed
    ? [...closed.properties.keys()].filter(
        name => !forbidsProperty({ shape, property: name }),
      )
    : undefined;
}
