import { checkAttributes } from './attributes';

const valid = {
  specversion: '1.0',
  id: 'order-1',
  source: '/checkout',
  type: 'com.example.order.created',
};

describe('checkAttributes', () => {
  it.each([
    ['the required attributes only', {}],
    [
      'every optional attribute',
      {
        time: '2024-05-01T12:30:00Z',
        dataschema: 'https://example.com/schemas/order/1',
        datacontenttype: 'application/json',
        subject: 'order-1',
        data: { a: 1 },
      },
    ],
    [
      'a time with an offset and fraction',
      { time: '2024-05-01T14:30:00.123456+02:00' },
    ],
    ['a time with lowercase t and z', { time: '2024-05-01t12:30:00z' }],
    ['a leap day', { time: '2024-02-29T00:00:00Z' }],
    ['a leap second', { time: '2016-12-31T23:59:60Z' }],
    ['a URN dataschema', { dataschema: 'urn:example:order:1' }],
    [
      'a +json datacontenttype',
      { datacontenttype: 'application/vnd.order+json; v=1' },
    ],
    ['text/json', { datacontenttype: 'text/json' }],
    [
      'extensions',
      { traceparent: 'x', count: -2147483648, max: 2147483647, flag: false },
    ],
    ['null attributes (unset)', { subject: null, time: null, myext: null }],
    ['null data (an explicit null payload)', { data: null }],
    ['a null data_base64 (unset)', { data_base64: null }],
    ['non-ASCII text', { subject: 'Grüße 😀' }],
  ])('accepts %s', (_case, attributes) => {
    expect(checkAttributes({ ...valid, ...attributes })).toEqual([]);
  });

  it.each([
    [
      'specversion',
      { specversion: '0.3' },
      'Attribute "specversion" is "0.3", but only CloudEvents 1.0 is accepted: set it to "1.0"',
    ],
    [
      'specversion',
      { specversion: 1 },
      'Attribute "specversion" must be the string "1.0", got the number 1',
    ],
    [
      'specversion',
      { specversion: undefined },
      'Missing required attribute "specversion": set it to "1.0"',
    ],
    [
      'specversion',
      { specversion: null },
      'Missing required attribute "specversion": set it to "1.0"',
    ],
    [
      'id',
      { id: '' },
      'Attribute "id" must be a non-empty string, got an empty string',
    ],
    [
      'id',
      { id: 42 },
      'Attribute "id" must be a non-empty string, got the number 42',
    ],
    ['id', { id: undefined }, 'Missing required attribute "id"'],
    [
      'source',
      { source: {} },
      'Attribute "source" must be a non-empty string, got an object',
    ],
    [
      'type',
      { type: ['a'] },
      'Attribute "type" must be a non-empty string, got an array',
    ],
    [
      'subject',
      { subject: '' },
      'Attribute "subject" must be a non-empty string, got an empty string',
    ],
    [
      'subject',
      { subject: 'a\nb' },
      'Attribute "subject" contains the control character U+000A at position 1, which CloudEvents does not allow in attribute values',
    ],
    [
      'id',
      { id: 'x\u0085' },
      'Attribute "id" contains the control character U+0085 at position 1, which CloudEvents does not allow in attribute values',
    ],
    [
      'source',
      { source: 'a\ud800' },
      'Attribute "source" contains an unpaired surrogate (U+D800) at position 1; send valid Unicode text',
    ],
    [
      'time',
      { time: 'yesterday' },
      'Attribute "time" must be an RFC 3339 timestamp such as "2024-05-01T12:30:00Z" or "2024-05-01T14:30:00.123+02:00", got "yesterday"',
    ],
    [
      'time',
      { time: 1714566600 },
      /"time" must be an RFC 3339 timestamp .*, got the number 1714566600$/,
    ],
    [
      'time',
      { time: '2024-05-01 12:30:00Z' },
      /"time" must be an RFC 3339 timestamp/,
    ],
    [
      'time',
      { time: '2024-05-01T12:30:00' },
      /"time" must be an RFC 3339 timestamp/,
    ],
    [
      'time',
      { time: '2024-13-01T12:30:00Z' },
      /"time" is "2024-13-01T12:30:00Z", whose month 13 does not exist/,
    ],
    [
      'time',
      { time: '2023-02-29T12:30:00Z' },
      /whose day 29 of month 2 does not exist/,
    ],
    [
      'time',
      { time: '2024-04-31T12:30:00Z' },
      /whose day 31 of month 4 does not exist/,
    ],
    ['time', { time: '2024-05-01T24:00:00Z' }, /whose hour 24 does not exist/],
    [
      'time',
      { time: '2024-05-01T12:60:00Z' },
      /whose minute 60 does not exist/,
    ],
    [
      'time',
      { time: '2024-05-01T12:30:61Z' },
      /whose second 61 does not exist/,
    ],
    [
      'time',
      { time: '2024-05-01T12:30:00+24:00' },
      /whose UTC offset does not exist/,
    ],
    [
      'dataschema',
      { dataschema: '/schemas/order' },
      'Attribute "dataschema" must be an absolute URI with a scheme, such as "https://example.com/schemas/order/1", got "/schemas/order"',
    ],
    [
      'dataschema',
      { dataschema: 'https://example.com/a b' },
      /"dataschema" must be an absolute URI/,
    ],
    [
      'dataschema',
      { dataschema: '' },
      /"dataschema" must be an absolute URI.*got an empty string/,
    ],
    [
      'datacontenttype',
      { datacontenttype: 'text/plain' },
      'Attribute "datacontenttype" is "text/plain", but event data is validated against a JSON schema, so it must be JSON: use "application/json" (or any */json or */*+json type), or leave it out',
    ],
    [
      'datacontenttype',
      { datacontenttype: 'json' },
      'Attribute "datacontenttype" must be a media type such as "application/json", got "json"',
    ],
    [
      'datacontenttype',
      { datacontenttype: true },
      /must be a media type .*, got the boolean true/,
    ],
    [
      'data_base64',
      { data_base64: 'aGk=' },
      'Binary data ("data_base64") is not supported: the data of every event is validated against the JSON schema of its type, so send it as JSON in "data"',
    ],
    [
      'an extension name',
      { userId: 'u1' },
      'Attribute "userId" is not a valid attribute name: CloudEvents attribute names contain only lowercase letters a-z and digits 0-9; put application fields inside "data"',
    ],
    [
      'an extension name',
      { my_ext: 1 },
      /"my_ext" is not a valid attribute name/,
    ],
    [
      'an extension name',
      { 'my-ext': 1 },
      /"my-ext" is not a valid attribute name/,
    ],
    [
      'an extension value',
      { ratio: 0.5 },
      'Attribute "ratio" is 0.5, but CloudEvents attribute numbers must be integers from -2147483648 to 2147483647: send it as a string, or move it into "data"',
    ],
    [
      'an extension value',
      { big: 2147483648 },
      /"big" is 2147483648, but CloudEvents attribute numbers must be integers/,
    ],
    [
      'an extension value',
      { ctx: { a: 1 } },
      'Attribute "ctx" is an object, but CloudEvents attribute values must be strings, booleans or integers: move structured values into "data"',
    ],
    [
      'an extension value',
      { tags: [] },
      /"tags" is an array, but CloudEvents attribute values must be/,
    ],
    [
      'an extension value',
      { note: 'a\u0000b' },
      /"note" contains the control character U\+0000 at position 1/,
    ],
  ])('rejects a bad %s: %j', (_case, attributes, problem) => {
    const problems = checkAttributes({ ...valid, ...attributes });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('reports every problem, in the order of the attributes, then missing ones', () => {
    expect(
      checkAttributes({
        type: '',
        time: 'now',
        Bad: 1,
        data: { ignored: true },
      }),
    ).toEqual([
      'Attribute "type" must be a non-empty string, got an empty string',
      expect.stringMatching(/^Attribute "time" must be an RFC 3339 timestamp/),
      expect.stringMatching(/^Attribute "Bad" is not a valid attribute name/),
      'Missing required attribute "specversion": set it to "1.0"',
      'Missing required attribute "id"',
      'Missing required attribute "source"',
    ]);
  });

  it('names attributes as the caller says', () => {
    expect(
      checkAttributes(
        { ...valid, id: '' },
        name => `"${name}" (header ce-${name})`,
      ),
    ).toEqual([
      'Attribute "id" (header ce-id) must be a non-empty string, got an empty string',
    ]);
  });

  it('shortens long values in messages', () => {
    const [problem] = checkAttributes({ ...valid, time: 'x'.repeat(10_000) });
    expect(problem.length).toBeLessThan(300);
    expect(problem).toContain(`"${'x'.repeat(80)}"...`);
  });
});
