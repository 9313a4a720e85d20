import { Comparison, Location, Problem, problem } from './comparison';
import { formatsFor } from './formats';
import { Bound, Shape } from './shape';
import { isMultiple } from './values';
import { describeBound, describeChange, describeLimit } from './wording';

/** Numeric keywords of `b` that values of `a` may break. */
export function numberProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
  /** Whether every number `a` allows is an integer. */
  integersOnly: boolean;
}): Problem[] {
  const { comparison, a, b, at, integersOnly } = options;
  const { words } = comparison;
  const problems: Problem[] = [];
  if (
    b.lower &&
    !implied({ own: a.lower, required: b.lower, side: 'lower', integersOnly })
  ) {
    problems.push(
      problem({
        at,
        keyword: b.lower.exclusive ? '/exclusiveMinimum' : '/minimum',
        text: describeBound({
          side: 'lower',
          ...words.oldNew(a.lower, b.lower),
        }),
      }),
    );
  }
  if (
    b.upper &&
    !implied({ own: a.upper, required: b.upper, side: 'upper', integersOnly })
  ) {
    problems.push(
      problem({
        at,
        keyword: b.upper.exclusive ? '/exclusiveMaximum' : '/maximum',
        text: describeBound({
          side: 'upper',
          ...words.oldNew(a.upper, b.upper),
        }),
      }),
    );
  }
  problems.push(...formatProblems({ comparison, a, b, at, type: 'number' }));
  for (const divisor of b.multipleOf) {
    const covered =
      a.multipleOf.some(own => isMultiple({ value: own, divisor })) ||
      (integersOnly && isMultiple({ value: 1, divisor }));
    if (!covered) {
      const change = words.oldNew<number | undefined>(a.multipleOf[0], divisor);
      problems.push(
        problem({
          at,
          keyword: '/multipleOf',
          text:
            change.oldValue === undefined || change.newValue === undefined
              ? describeLimit(change)
              : `changed from ${change.oldValue} to ${change.newValue}`,
        }),
      );
    }
  }
  return problems;
}

/** String keywords of `b` that values of `a` may break. */
export function stringProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
}): Problem[] {
  const { comparison, a, b, at } = options;
  const { words } = comparison;
  const problems: Problem[] = [];
  if (b.minLength > a.minLength) {
    problems.push(
      problem({
        at,
        keyword: '/minLength',
        text: describeLimit(
          words.oldNew(a.minLength || undefined, b.minLength),
        ),
      }),
    );
  }
  if (
    b.maxLength !== undefined &&
    (a.maxLength === undefined || a.maxLength > b.maxLength)
  ) {
    problems.push(
      problem({
        at,
        keyword: '/maxLength',
        text: describeLimit(words.oldNew(a.maxLength, b.maxLength)),
      }),
    );
  }
  // Whether one regular expression matches only strings another one does is
  // not decided here: only an identical pattern is known to hold.
  for (const pattern of b.patterns.filter(p => !a.patterns.includes(p))) {
    const change = describeChange(
      words.oldNew<string | undefined>(a.patterns[0], pattern),
    );
    problems.push(
      problem({
        at,
        keyword: '/pattern',
        text:
          a.patterns.length > 0
            ? `${change}; cannot prove that every string matching the ${words.sub} pattern matches the ${words.sup} one`
            : change,
      }),
    );
  }
  problems.push(...formatProblems({ comparison, a, b, at, type: 'string' }));
  return problems;
}

function formatProblems(options: {
  comparison: Comparison;
  a: Shape;
  b: Shape;
  at: Location;
  type: 'string' | 'number';
}): Problem[] {
  const { comparison, a, b, at, type } = options;
  const aFormats = formatsFor({ formats: a.formats, type });
  return formatsFor({ formats: b.formats, type })
    .filter(format => !aFormats.includes(format))
    .map(format =>
      problem({
        at,
        keyword: '/format',
        text: describeChange(
          comparison.words.oldNew<string | undefined>(aFormats[0], format),
        ),
      }),
    );
}

// Whether `own` bound keeps values within the `required` one. For integers,
// > 0 and >= 1 are the same bound.
function implied(options: {
  own?: Bound;
  required: Bound;
  side: 'lower' | 'upper';
  integersOnly: boolean;
}): boolean {
  const { own, required, side, integersOnly } = options;
  if (!own) {
    return false;
  }
  const sign = side === 'lower' ? 1 : -1;
  if (integersOnly) {
    // The innermost integer the bound allows, on a scale where larger means
    // tighter.
    const innermost = (bound: Bound) => {
      const value = sign * bound.value;
      return bound.exclusive ? Math.floor(value) + 1 : Math.ceil(value);
    };
    return innermost(own) >= innermost(required);
  }
  const ownValue = sign * own.value;
  const requiredValue = sign * required.value;
  return (
    ownValue > requiredValue ||
    (ownValue === requiredValue && (!required.exclusive || own.exclusive))
  );
}
