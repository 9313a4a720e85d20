import { describeValue, jsonEqual } from '../../schema/json';
import { escapePointerSegment } from '../../schema/jsonSchema/pointer';
import { JsonSchemaSource } from '../../schema/jsonSchema/types';
import { arrayProblems } from './arrayKeywords';
import { Budget, BudgetExceeded } from './budget';
import { Comparison, Location, Problem, problem } from './comparison';
import { provablyDisjoint } from './disjoint';
import { SchemaNode, identity, sameSchema } from './nodes';
import { forbidsProperty, objectProblems } from './objectKeywords';
import { numberProblems, stringProblems } from './scalarKeywords';
import { ALL_TYPES, Shape, mergeShapes, shapeOf, typeCovered } from './shape';
import { conformsTo } from './values';
import { Direction, Wording, describeTypeChange } from './wording';

// Steps (shape comparisons and value checks) one direction of one version
// pair may take: about 0.1 s. Real event schemas need a few hundred; a
// registration request must not be able to buy more with nested anyOfs.
const STEP_LIMIT = 20000;
// Structural depth past which recursion is assumed to be runaway.
const MAX_DEPTH = 200;
// Splits of the subset side without descending into a property or item.
// Each split consumes one anyOf/oneOf/if of the schema, so only a schema
// that is an alternative of itself (`anyOf: [{"$ref": "#"}, ...]`) gets far.
const MAX_SPLITS = 64;

/**
 * Decides "every value valid under a is valid under b" (a ⊆ b): the subset
 * side's alternatives are split, the superset side's combinators matched,
 * and the rest compared keyword by keyword (see the *Keywords modules).
 */
class SubsetChecker implements Comparison {
  readonly budget = new Budget(STEP_LIMIT);
  // Pairs being compared, with the depth they were entered at: meeting one
  // again deeper down is a recursive schema, assumed to hold (it holds unless
  // something else fails); meeting it at the same depth is a schema defined
  // by itself, which cannot be proven.
  private readonly active = new Map<string, number>();
  private readonly merged = new Map<string, Shape>();

  constructor(readonly words: Wording) {}

  nodes(options: {
    subset: SchemaNode[];
    superset: SchemaNode;
    at: Location;
  }): Problem[] {
    const { subset, superset, at } = options;
    if (
      superset.schema === true ||
      subset.some(node => node.schema === false)
    ) {
      return [];
    }
    if (subset.length === 1 && sameSchema({ a: subset[0], b: superset })) {
      return [];
    }
    return this.shapes(this.mergedShape(subset), shapeOf(superset), at);
  }

  // One shape per list of nodes, so a recursive comparison meets the same
  // shape object again and is recognised.
  private mergedShape(nodes: SchemaNode[]): Shape {
    if (nodes.length === 1) {
      return shapeOf(nodes[0]);
    }
    const key = nodes.map(node => identity(node.schema)).join(',');
    let shape = this.merged.get(key);
    if (!shape) {
      shape = mergeShapes(nodes.map(shapeOf));
      this.merged.set(key, shape);
    }
    return shape;
  }

  private shapes(a: Shape, b: Shape, at: Location): Problem[] {
    this.budget.tick();
    const selfReference = problem({
      at,
      text: 'cannot prove compatibility of a schema that refers to itself without a property or item in between',
    });
    if (at.splits > MAX_SPLITS) {
      return [selfReference];
    }
    if (at.depth > MAX_DEPTH) {
      return [
        problem({
          at,
          text: `cannot prove compatibility of schemas nested more than ${MAX_DEPTH} levels deep`,
        }),
      ];
    }
    const key = `${identity(a)}:${identity(b)}`;
    const entered = this.active.get(key);
    if (entered !== undefined) {
      return entered < at.depth ? [] : [selfReference];
    }
    this.active.set(key, at.depth);
    try {
      return this.compare(a, b, at);
    } finally {
      this.active.delete(key);
    }
  }

  private compare(a: Shape, b: Shape, at: Location): Problem[] {
    if (a.never) {
      return [];
    }
    if (b.never) {
      return [
        problem({
          at,
          text: `the ${this.words.sup} schema accepts no value here`,
        }),
      ];
    }
    const finite = finiteValues(a);
    if (finite) {
      const problems = this.values(finite, a, b, at);
      if (problems) {
        return problems;
      }
    }
    // Alternatives in the subset side are split first: the union is a
    // subset when each alternative is.
    if (a.anyOf.length > 0 || a.oneOf.length > 0) {
      return this.splitAlternatives(a, b, at);
    }
    const unmatched = a.conditionals.findIndex(
      conditional =>
        !b.conditionals.some(other =>
          sameSchema({ a: other.if, b: conditional.if }),
        ),
    );
    if (unmatched >= 0) {
      return this.splitConditional(a, unmatched, b, at);
    }
    if (
      a.types &&
      a.types.length > 1 &&
      (b.anyOf.length > 0 || b.oneOf.length > 0)
    ) {
      // `["string", "null"]` against `anyOf: [{string}, {null}]`: each type
      // may fit a different branch.
      return a.types.flatMap(type =>
        this.shapes({ ...a, types: [type] }, b, split(at)),
      );
    }
    return [
      ...this.anyOf(a, b, at),
      ...this.oneOf(a, b, at),
      ...this.not(a, b, at),
      ...this.conditionals(a, b, at),
      ...this.dependentSchemas(a, b, at),
      ...b.unsupported.map(reason =>
        problem({ at, text: `cannot prove compatibility of ${reason}` }),
      ),
      ...this.keywords(a, b, at),
    ];
  }

  // A finite subset side is checked value by value; undefined when some
  // value cannot be decided, so that structure gets its turn.
  private values(
    values: unknown[],
    a: Shape,
    b: Shape,
    at: Location,
  ): Problem[] | undefined {
    const problems: Problem[] = [];
    let undecided = false;
    for (const value of values) {
      if (conformsTo({ budget: this.budget, value, shape: a }) === false) {
        continue;
      }
      const verdict = conformsTo({ budget: this.budget, value, shape: b });
      if (verdict === undefined) {
        undecided = true;
      } else if (!verdict) {
        problems.push(
          b.values && !b.values.some(allowed => jsonEqual(allowed, value))
            ? problem({
                at,
                keyword: `/${b.valuesKeyword}`,
                text: `value ${describeValue(value)} ${this.words.pick(
                  'removed',
                  'added',
                )}`,
              })
            : problem({
                at,
                text: `value ${describeValue(value)}, allowed by the ${
                  this.words.sub
                } schema, is rejected by the ${this.words.sup} schema`,
              }),
        );
      }
    }
    return problems.length > 0 || !undecided ? problems : undefined;
  }

  private splitAlternatives(a: Shape, b: Shape, at: Location): Problem[] {
    const [group, rest] =
      a.anyOf.length > 0
        ? [a.anyOf[0], { ...a, anyOf: a.anyOf.slice(1) }]
        : [a.oneOf[0], { ...a, oneOf: a.oneOf.slice(1) }];
    // oneOf is read as anyOf here: a superset of it, so still sound.
    return group.flatMap(branch =>
      this.shapes(mergeShapes([rest, shapeOf(branch)]), b, split(at)),
    );
  }

  private splitConditional(
    a: Shape,
    index: number,
    b: Shape,
    at: Location,
  ): Problem[] {
    // if/then/else accepts a subset of "then or else", which is what is
    // checked: sound, though it can reject a change that was in fact fine.
    const conditional = a.conditionals[index];
    const rest = {
      ...a,
      conditionals: a.conditionals.filter((_, i) => i !== index),
    };
    return [conditional.then, conditional.else].flatMap(branch =>
      this.shapes(mergeShapes([rest, shapeOf(branch)]), b, split(at)),
    );
  }

  private anyOf(a: Shape, b: Shape, at: Location): Problem[] {
    return b.anyOf.flatMap(group => {
      const attempts = group.map((branch, index) =>
        this.shapes(a, shapeOf(branch), {
          ...at,
          path: `${at.path}/anyOf/${index}`,
        }),
      );
      if (attempts.some(problems => problems.length === 0)) {
        return [];
      }
      return [
        problem({
          at,
          keyword: '/anyOf',
          text: `no branch accepts everything the ${this.words.sub} schema allows`,
        }),
        ...closest(attempts),
      ];
    });
  }

  private oneOf(a: Shape, b: Shape, at: Location): Problem[] {
    return b.oneOf.flatMap(group => {
      const branches = group.map(shapeOf);
      const attempts: Problem[][] = [];
      let overlap: Problem | undefined;
      for (const [index, branch] of branches.entries()) {
        const problems = this.shapes(a, branch, {
          ...at,
          path: `${at.path}/oneOf/${index}`,
        });
        attempts.push(problems);
        if (problems.length > 0) {
          continue;
        }
        const other = branches.findIndex(
          (candidate, i) =>
            i !== index &&
            !provablyDisjoint({ budget: this.budget, a, b: candidate }),
        );
        if (other < 0) {
          return [];
        }
        overlap ??= problem({
          at,
          keyword: '/oneOf',
          text: `cannot prove that values the ${this.words.sub} schema allows match only one branch: branch ${index} accepts them but branch ${other} may too`,
        });
      }
      return overlap
        ? [overlap]
        : [
            problem({
              at,
              keyword: '/oneOf',
              text: `no branch accepts everything the ${this.words.sub} schema allows`,
            }),
            ...closest(attempts),
          ];
    });
  }

  private not(a: Shape, b: Shape, at: Location): Problem[] {
    return b.not.flatMap(node => {
      const excluded = shapeOf(node);
      // a excludes at least as much when its own `not` covers b's.
      const covered = a.not.some(
        own => this.shapes(excluded, shapeOf(own), at).length === 0,
      );
      if (
        covered ||
        provablyDisjoint({ budget: this.budget, a, b: excluded })
      ) {
        return [];
      }
      return [
        problem({ at, text: "cannot prove compatibility of 'not' keyword" }),
      ];
    });
  }

  private conditionals(a: Shape, b: Shape, at: Location): Problem[] {
    return b.conditionals.flatMap(conditional => {
      const thenAt = { ...at, path: `${at.path}/then` };
      const elseAt = { ...at, path: `${at.path}/else` };
      const own = a.conditionals.find(candidate =>
        sameSchema({ a: candidate.if, b: conditional.if }),
      );
      if (own) {
        // Same condition on both sides: compare branch by branch.
        const rest = {
          ...a,
          conditionals: a.conditionals.filter(c => c !== own),
        };
        return [
          ...this.shapes(
            mergeShapes([rest, shapeOf(own.then)]),
            shapeOf(conditional.then),
            thenAt,
          ),
          ...this.shapes(
            mergeShapes([rest, shapeOf(own.else)]),
            shapeOf(conditional.else),
            elseAt,
          ),
        ];
      }
      const holds = (shape: Shape, where: Location) =>
        this.shapes(a, shape, where).length === 0;
      const thenShape = shapeOf(conditional.then);
      const elseShape = shapeOf(conditional.else);
      const ifShape = shapeOf(conditional.if);
      if (
        (holds(thenShape, thenAt) && holds(elseShape, elseAt)) ||
        (holds(ifShape, at) && holds(thenShape, thenAt)) ||
        (provablyDisjoint({ budget: this.budget, a, b: ifShape }) &&
          holds(elseShape, elseAt))
      ) {
        return [];
      }
      return [
        problem({
          at,
          text: "cannot prove compatibility of 'if'/'then'/'else'",
        }),
      ];
    });
  }

  private dependentSchemas(a: Shape, b: Shape, at: Location): Problem[] {
    if (a.types && !typeCovered({ type: 'object', by: a.types })) {
      return [];
    }
    return b.dependentSchemas.flatMap(({ property, node }) => {
      if (forbidsProperty({ shape: a, property })) {
        return [];
      }
      const own = a.dependentSchemas.filter(
        dependency => dependency.property === property,
      );
      return this.shapes(
        mergeShapes([a, ...own.map(dependency => shapeOf(dependency.node))]),
        shapeOf(node),
        {
          ...at,
          path: `${at.path}/dependentSchemas/${escapePointerSegment(property)}`,
        },
      );
    });
  }

  // Type, enum and the keywords of each type a keeps.
  private keywords(a: Shape, b: Shape, at: Location): Problem[] {
    const integersOnly = numbersAreIntegers(a);
    const aTypes = a.types ?? ALL_TYPES;
    const kept = aTypes.filter(
      type => !b.types || typeCovered({ type, by: b.types, integersOnly }),
    );
    const problems: Problem[] = [];
    if (kept.length < aTypes.length) {
      problems.push(
        problem({
          at,
          text: describeTypeChange(this.words.oldNew(a.types, b.types)),
        }),
      );
    }
    if (b.values && !finiteValues(a)) {
      const list = b.values.map(describeValue).join(', ');
      problems.push(
        problem({
          at,
          keyword: `/${b.valuesKeyword}`,
          text: this.words.pick(
            `added (only ${list} allowed)`,
            `removed (was ${list})`,
          ),
        }),
      );
    }
    const options = { comparison: this, a, b, at };
    if (kept.includes('number') || kept.includes('integer')) {
      problems.push(...numberProblems({ ...options, integersOnly }));
    }
    if (kept.includes('string')) {
      problems.push(...stringProblems(options));
    }
    if (kept.includes('array')) {
      problems.push(...arrayProblems(options));
    }
    if (kept.includes('object')) {
      problems.push(...objectProblems(options));
    }
    return problems;
  }
}

/**
 * Whether every value valid under `sub` is valid under `sup`, decided on
 * structure. Every assertion of `sup` must be implied by `sub`; what cannot
 * be proven is reported as a problem with its reason, never passed silently.
 * Returns the problems, each once, empty when `sub` is a subset of `sup`.
 */
export function jsonSchemaSubsetProblems(options: {
  sub: JsonSchemaSource;
  sup: JsonSchemaSource;
  direction: Direction;
}): Problem[] {
  const { sub, sup, direction } = options;
  const checker = new SubsetChecker(new Wording(direction));
  try {
    const problems = checker.nodes({
      subset: [{ source: sub, schema: sub.document }],
      superset: { source: sup, schema: sup.document },
      at: { path: '', depth: 0, splits: 0 },
    });
    const unique = new Map(
      problems.map(found => [`${found.path}: ${found.text}`, found]),
    );
    return [...unique.values()];
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      return [
        {
          path: '/',
          text: `the schemas are too complex to compare (more than ${error.limit} steps)`,
        },
      ];
    }
    throw error;
  }
}

function split(at: Location): Location {
  return { ...at, splits: at.splits + 1 };
}

// The problems of the branch that came closest: the one whose first problem
// lies deepest (it matched structurally the longest), then the one with the
// fewest problems.
function closest(attempts: Problem[][]): Problem[] {
  const reach = (problems: Problem[]) =>
    Math.min(...problems.map(found => found.path.split('/').length));
  return attempts.reduce((best, problems) => {
    const difference = reach(problems) - reach(best);
    return difference > 0 || (difference === 0 && problems.length < best.length)
      ? problems
      : best;
  });
}

// Values a shape can only take from a finite list: enum and const, and the
// types with finitely many values.
function finiteValues(shape: Shape): unknown[] | undefined {
  if (shape.values) {
    return shape.values;
  }
  if (
    shape.types &&
    shape.types.every(type => type === 'null' || type === 'boolean')
  ) {
    return shape.types.flatMap(type =>
      type === 'null' ? [null] : [true, false],
    );
  }
  return undefined;
}

function numbersAreIntegers(shape: Shape): boolean {
  return (
    (shape.types !== undefined &&
      shape.types.includes('integer') &&
      !shape.types.includes('number')) ||
    shape.multipleOf.some(divisor => Number.isInteger(divisor))
  );
}
