import { scanJsonStructure } from './jsonStructure';
import { stringifiedText } from './stringifiedText';

/** The text itself, whole. */
function whole(text: string) {
  return stringifiedText(text, 0, text.length);
}

describe('stringifiedText', () => {
  it.each([
    ['a compact event', '{"id":"e-1","n":12,"ok":true,"x":null,"a":[1,-2]}'],
    ['unicode as is', '{"name":"Zoë 東京 🎧","s":"\u2028"}'],
    [
      'the escapes JSON.stringify writes',
      '{"s":"a\\"b\\\\c\\nd\\re\\tf\\bg\\fh"}',
    ],
    ['numbers in their JavaScript spelling', '{"n":[0,-1,0.5,1e+21,1.5e-7]}'],
    ['one name in sibling objects', '{"a":{"id":1},"b":{"id":2},"id":3}'],
    ['empty containers', '{"a":{},"b":[],"c":""}'],
  ])('reuses %s', (_what, text) => {
    expect(whole(text)).toBe(text);
    expect(whole(text)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it.each([
    ['a space between members', '{"id":"e-1", "n":1}'],
    ['a line break inside', '{"id":"e-1",\n"n":1}'],
    ['a \\u escape', '{"s":"caf\\u00e9"}'],
    ['an escaped slash', '{"s":"a\\/b"}'],
    ['an escaped member name', '{"\\u0069d":"e-1"}'],
    ['a trailing zero', '{"n":1.0}'],
    ['an exponent JavaScript writes out', '{"n":1e2}'],
    ['minus zero', '{"n":-0}'],
    ['a number beyond double precision', '{"n":12345678901234567890}'],
    ['a repeated member name', '{"id":"a","n":1,"id":"b"}'],
    ['a member name V8 would move first', '{"b":1,"1":2}'],
  ])('serializes again for %s', (_what, text) => {
    expect(whole(text)).toBeUndefined();
  });

  it('leaves out the whitespace around a batch element', () => {
    const text = '[ \n {"id":"a"} ,\t{"id":"b"}\r\n]';
    const structure = scanJsonStructure(text);
    const elements = structure.ok ? structure.elements ?? [] : [];
    expect(
      elements.map(({ start, end }) => stringifiedText(text, start, end)),
    ).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });

  it('never reuses text that differs from JSON.stringify of its parse', () => {
    const samples = [
      '{"a":"x","b":[1,2,{"c":"d"}]}',
      '{"a" :1}',
      '{"a":1.10}',
      '{"a":"\\u0041"}',
      '{"a":"\\"","b":"\\\\"}',
      '{"a":[true,false,null]}',
      '{"a":1E5}',
      '{"a":{"a":{"a":1}}}',
      '{"__proto__":1}',
      '{"a":0.1,"b":-0.0}',
    ];
    for (const text of samples) {
      const reused = whole(text);
      if (reused !== undefined) {
        expect(reused).toBe(JSON.stringify(JSON.parse(text)));
      }
    }
  });
});

describe('stringifiedText on large input', () => {
  it('leaves an object of very many members to JSON.stringify, quickly', () => {
    const members = Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`);
    const text = `{${members.join(',')}}`;
    const started = performance.now();
    expect(stringifiedText(text, 0, text.length)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('reads each event of a large batch without running through the rest', () => {
    const event = '{"id":"a","data":"x"}';
    const text = `[${Array(20_000).fill(event).join(',')},{"s":"\\u0041"}]`;
    const structure = scanJsonStructure(text);
    const elements = structure.ok ? structure.elements ?? [] : [];
    const started = performance.now();
    const reused = elements.map(({ start, end }) =>
      stringifiedText(text, start, end),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(reused.filter(r => r === event)).toHaveLength(20_000);
    expect(reused[20_000]).toBeUndefined();
  });
});
