import {
  Comparison,
  Location,
  Problem,
  deeper,
  isDefined,
  problem,
  smallest,
} from './comparison';
import { sameSchema } from './nodes';
import { Shape } from './shape';
import { describeLimit } from './wording';

/** Array keywords of `b` that arrays valid under `a` may break. */
export function arrayProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
}): Problem[] {
  const { comparison, a, b, at } = options;
  const { words } = comparison;
  const problems: Problem[] = [];
  // A closed tuple bounds the length as much as maxItems does.
  const aMax = smallest([
    a.maxItems,
    ...a.arrays
      .filter(part => part.rest?.schema === false)
      .map(part => part.prefix.length),
  ]);
  if (b.minItems > a.minItems) {
    problems.push(
      problem({
        at,
        keyword: '/minItems',
        text: describeLimit(words.oldNew(a.minItems || undefined, b.minItems)),
      }),
    );
  }
  if (b.maxItems !== undefined && (aMax === undefined || aMax > b.maxItems)) {
    problems.push(
      problem({
        at,
        keyword: '/maxItems',
        text: describeLimit(words.oldNew(aMax, b.maxItems)),
      }),
    );
  }
  if (b.uniqueItems && !a.uniqueItems && !(aMax !== undefined && aMax <= 1)) {
    problems.push(
      problem({
        at,
        keyword: '/uniqueItems',
        text: words.pick(
          'added: items must be unique',
          'removed: the old schema requires unique items',
        ),
      }),
    );
  }
  problems.push(...itemProblems({ comparison, a, b, at, aMax }));
  problems.push(...containsProblems({ comparison, a, b, at }));
  return problems;
}

// Position by position through the longer tuple prefix, then the rest.
function itemProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
  aMax?: number;
}): Problem[] {
  const { comparison, a, b, at, aMax } = options;
  const problems: Problem[] = [];
  const length = Math.max(
    0,
    ...[...a.arrays, ...b.arrays].map(part => part.prefix.length),
  );
  for (
    let index = 0;
    index < length && (aMax === undefined || index < aMax);
    index++
  ) {
    const subset = a.arrays
      .map(part => part.prefix[index] ?? part.rest)
      .filter(isDefined);
    for (const part of b.arrays) {
      const superset = part.prefix[index] ?? part.rest;
      if (superset) {
        const keyword =
          index < part.prefix.length
            ? `/${part.prefixKeyword}/${index}`
            : `/${part.restKeyword}`;
        problems.push(
          ...comparison.nodes({
            subset,
            superset,
            at: deeper({ at, keyword }),
          }),
        );
      }
    }
  }
  if (aMax === undefined || aMax > length) {
    const subset = a.arrays.map(part => part.rest).filter(isDefined);
    for (const part of b.arrays) {
      if (part.rest) {
        problems.push(
          ...comparison.nodes({
            subset,
            superset: part.rest,
            at: deeper({ at, keyword: `/${part.restKeyword}` }),
          }),
        );
      }
    }
  }
  return problems;
}

// `contains` holds when `a` asks for at least as many items of a narrower
// schema; an upper count (maxContains) only for the very same schema.
function containsProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
}): Problem[] {
  const { comparison, a, b, at } = options;
  const { words } = comparison;
  return b.contains
    .filter(contains => contains.min > 0 || contains.max !== undefined)
    .filter(
      contains =>
        !a.contains.some(
          own =>
            own.min >= contains.min &&
            comparison.nodes({
              subset: [own.node],
              superset: contains.node,
              at: deeper({ at, keyword: '/contains' }),
            }).length === 0 &&
            (contains.max === undefined ||
              (own.max !== undefined &&
                own.max <= contains.max &&
                sameSchema({ a: own.node, b: contains.node }))),
        ),
    )
    .map(() =>
      problem({
        at,
        keyword: '/contains',
        text: `cannot prove that every array the ${words.sub} schema allows has the items the ${words.sup} schema's 'contains' asks for`,
      }),
    );
}
