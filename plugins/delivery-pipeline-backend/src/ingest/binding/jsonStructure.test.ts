import { scanJsonStructure } from './jsonStructure';

/** The element texts a scan finds, trimmed, with their depths. */
function elementsOf(text: string) {
  const structure = scanJsonStructure(text);
  if (!structure.ok) throw new Error(structure.problem);
  return structure.elements?.map(({ start, end, depth }) => [
    text.slice(start, end).trim(),
    depth,
  ]);
}

describe('scanJsonStructure', () => {
  it.each([
    ['1', 0],
    ['"a"', 0],
    ['{}', 1],
    ['[]', 1],
    ['{"a":{"b":[1,[2]]}}', 4],
    ['{"a":"[[[{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['{"a\\\\":["\\\\"]}', 2],
    ['  {"a": [ ] }  \n', 2],
  ])('measures the depth of %s', (text, depth) => {
    expect(scanJsonStructure(text)).toMatchObject({ ok: true, depth });
  });

  it('gives no elements for a top-level object or scalar', () => {
    expect(scanJsonStructure('{"a":[1,2]}')).toEqual({ ok: true, depth: 2 });
    expect(scanJsonStructure('5')).toEqual({ ok: true, depth: 0 });
  });

  it.each([
    ['[]', []],
    [' [ \n ] ', []],
    ['[1]', [['1', 0]]],
    [
      '[{"a":1}, {"b":[1,2]} ,"x,y", [[]]]',
      [
        ['{"a":1}', 1],
        ['{"b":[1,2]}', 2],
        ['"x,y"', 0],
        ['[[]]', 2],
      ],
    ],
    [
      '[{"a":"],[{"}, {"b":"\\\\"}]',
      [
        ['{"a":"],[{"}', 1],
        ['{"b":"\\\\"}', 1],
      ],
    ],
    // Malformed elements are found by JSON.parse, not by the scan.
    [
      '[1,]',
      [
        ['1', 0],
        ['', 0],
      ],
    ],
    [
      '[,]',
      [
        ['', 0],
        ['', 0],
      ],
    ],
  ])('splits the array %s', (text, elements) => {
    expect(elementsOf(text)).toEqual(elements);
  });

  it.each([
    ['{"a":"b}', 'the string starting at position 5 is not closed'],
    ['{"a":"b\\"}', 'the string starting at position 5 is not closed'],
    ['[[{}]', 'it ends before 1 open arrays or objects are closed'],
    ['['.repeat(1000), 'it ends before 1000 open arrays or objects are closed'],
    ['{}}', 'unexpected text after the end of the JSON value at position 2'],
    ['[] x', 'unexpected text after the end of the JSON value at position 3'],
    ['1]', '"]" at position 1 closes nothing'],
    ['[{"a":1}}', '"}" at position 8 closes an array'],
    ['{"a":[1}', '"}" at position 7 closes an array'],
    ['[{"a":1]', '"]" at position 7 closes an object'],
  ])('finds %s malformed', (text, problem) => {
    expect(scanJsonStructure(text)).toEqual({ ok: false, problem });
  });

  // A recursive scan would overflow the stack here long before the end.
  it('scans a megabyte of nesting without recursion', () => {
    const levels = 512 * 1024;
    const text = `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(scanJsonStructure(text)).toMatchObject({ ok: true, depth: levels });
  });
});
