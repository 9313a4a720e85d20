import { formatAnnotation } from './annotations';
import { locate } from './locate';

describe('formatAnnotation', () => {
  it('writes a workflow command, escaped as GitHub documents', () => {
    expect(
      formatAnnotation({
        level: 'error',
        file: 'types/a,b:c.yaml',
        line: 7,
        title: 'Incompatible schema change',
        message: "100% sure:\r\nline two, 'x'",
      }),
    ).toBe(
      "::error file=types/a%2Cb%3Ac.yaml,line=7,title=Incompatible schema change::100%25 sure:%0D%0Aline two, 'x'",
    );
  });
});

describe('locate', () => {
  const yaml = [
    'name: x',
    'schema:',
    '  type: record',
    '  fields:',
    '    - name: a',
    '      type: string',
    '    - name: b',
    '      type: int',
    '',
  ].join('\n');

  it('finds the key a pointer names, or the deepest one it reaches', () => {
    expect(locate({ text: yaml, pointer: '/schema' })).toBe(2);
    expect(locate({ text: yaml, pointer: '/schema/fields/1' })).toBe(7);
    expect(locate({ text: yaml, pointer: '/schema/fields/b/type' })).toBe(8);
    expect(locate({ text: yaml, pointer: '/schema/nothing/here' })).toBe(2);
    expect(
      locate({ text: '{\n  "a/b": {"c": 1}\n}', pointer: '/a~1b/c' }),
    ).toBe(2);
  });

  it('answers line 1 for a text that does not parse', () => {
    expect(locate({ text: 'a: [', pointer: '/a' })).toBe(1);
    expect(locate({ text: '', pointer: '/a' })).toBe(1);
  });
});
