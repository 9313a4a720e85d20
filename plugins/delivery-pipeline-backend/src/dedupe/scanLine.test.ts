import {
  LineScan,
  parseTime,
  receivedAtStart,
  RECEIVED_AT_SUFFIX_LENGTH,
  scanLine,
} from './scanLine';

function scan(text: string) {
  const b = Buffer.from(text);
  const out = new LineScan();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ok = scanLine(b, view, 0, b.length, out);
  const slice = (start: number, end: number) =>
    start < 0 ? undefined : b.toString('utf8', start, end);
  return {
    ok,
    id: slice(out.idStart, out.idEnd),
    source: slice(out.sourceStart, out.sourceEnd),
    time: slice(out.timeStart, out.timeEnd),
    idEscaped: out.idEscaped,
    sourceEscaped: out.sourceEscaped,
  };
}

describe('scanLine', () => {
  it('finds the top-level id, source and time', () => {
    expect(
      scan(
        '{"specversion":"1.0","id":"a-1","source":"//s/x","type":"t","time":"2026-11-23T10:00:00Z","data":{"id":"no"}}',
      ),
    ).toEqual({
      ok: true,
      id: 'a-1',
      source: '//s/x',
      time: '2026-11-23T10:00:00Z',
      idEscaped: false,
      sourceEscaped: false,
    });
  });

  it('skips nested values, strings with brackets and escapes, and whitespace', () => {
    expect(
      scan(
        ' { "data" : { "id" : "x" , "a" : [ 1 , { "source" : "y" } , "]}\\"{" ] } , "n" : -1.5e3 , "ok" : true , "nil" : null , "source" : "s\\"q" , "id" : "i\\\\d" } ',
      ),
    ).toMatchObject({
      ok: true,
      id: 'i\\\\d',
      source: 's\\"q',
      time: undefined,
      idEscaped: true,
      sourceEscaped: true,
    });
  });

  it('reads long strings a word at a time, with quotes at any offset', () => {
    for (let length = 0; length < 12; length++) {
      const id = 'x'.repeat(length);
      expect(scan(`{"id":"${id}","source":"${id}y"}`)).toMatchObject({
        ok: true,
        id,
        source: `${id}y`,
      });
    }
  });

  it.each([
    ['not json', 'nope'],
    ['an array', '[{"id":"a","source":"b"}]'],
    ['no id', '{"source":"b"}'],
    ['no source', '{"id":"a"}'],
    ['an id that is not a string', '{"id":1,"source":"b"}'],
    ['a source that is an object', '{"source":{"x":1},"id":"a"}'],
    ['an unterminated string', '{"id":"a","source":"b'],
    ['an unterminated object', '{"id":"a","source":"b"'],
    ['a missing colon', '{"id" "a","source":"b"}'],
    ['an unbalanced nested value', '{"data":{"x":[1,2},"id":"a","source":"b"'],
  ])('rejects %s', (_, text) => {
    expect(scan(text).ok).toBe(false);
  });
});

describe('receivedAtStart', () => {
  it('finds the receivedAt that ingest appends, and only that', () => {
    const event = '{"id":"a","source":"b"';
    const line = `${event},"receivedAt":"2026-11-23T10:00:00.123Z"}`;
    const b = Buffer.from(line);
    expect(receivedAtStart(b, 0, b.length)).toBe(event.length);
    expect(b.length - event.length).toBe(RECEIVED_AT_SUFFIX_LENGTH);
    const other = Buffer.from(
      '{"id":"a","source":"b","x":"2026-11-23T10:00:00.123Z"}',
    );
    expect(receivedAtStart(other, 0, other.length)).toBe(-1);
  });
});

describe('parseTime', () => {
  const parse = (text: string) => {
    const b = Buffer.from(`"${text}"`);
    return parseTime(b, 1, b.length - 1);
  };

  it.each([
    '2026-11-23T10:00:00Z',
    '2026-11-23T10:00:00.1Z',
    '2026-11-23T10:00:00.123Z',
    '2026-11-23T10:00:00.123456789Z',
    '2026-11-23T11:30:00.5+01:30',
    '2026-11-23T08:00:00-02:00',
    '2024-02-29T23:59:59.999Z',
    '1969-12-31T23:59:59Z',
    '2026-11-23t10:00:00z',
    '2026-11-23',
    // Date.parse takes it as March 2; so does parseTime, through it.
    '2026-02-30T00:00:00Z',
  ])('parses %s as Date.parse does', text => {
    const expected = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
    expect(parse(text)).toBe(expected);
  });

  it.each(['yesterday', '', '2026-13-01T00:00:00Z', '2026-11-23T25:00:00Z'])(
    'does not parse %j',
    text => {
      expect(parse(text)).toBeNaN();
    },
  );
});
