import { changesBelow } from './referenceGraph';

const graph = (edges: Record<string, string[]>) =>
  new Map(Object.entries(edges));

const asObject = (below: Map<string, Set<string>>) =>
  Object.fromEntries([...below].map(([name, set]) => [name, [...set].sort()]));

describe('changesBelow', () => {
  it('finds every referrer of a change, at any depth', () => {
    // c -> a -> b, d -> b, e alone
    const references = graph({ a: ['b'], c: ['a'], d: ['b'], e: [] });
    expect(asObject(changesBelow({ references, changed: ['b'] }))).toEqual({
      a: ['b'],
      c: ['b'],
      d: ['b'],
    });
  });

  it('reaches a diamond’s top once, with every change below it', () => {
    const references = graph({ top: ['l', 'r'], l: ['x'], r: ['y'] });
    expect(
      asObject(changesBelow({ references, changed: ['x', 'y', 'l'] })),
    ).toEqual({ top: ['l', 'x', 'y'], l: ['x'], r: ['y'] });
  });

  it('ends on a cycle, a change not counting as below itself', () => {
    const references = graph({ a: ['b'], b: ['a'] });
    expect(asObject(changesBelow({ references, changed: ['a'] }))).toEqual({
      b: ['a'],
    });
  });
});
