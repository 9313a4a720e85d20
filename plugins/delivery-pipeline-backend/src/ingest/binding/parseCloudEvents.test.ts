import type { IncomingHttpHeaders } from 'node:http';
import { BindingError } from './BindingError';
import { BindingLimits, DEFAULT_BINDING_LIMITS } from './limits';
import { parseCloudEvents } from './parseCloudEvents';
import type { ParseItem, RejectedItem } from './types';

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const BATCH = { 'content-type': 'application/cloudevents-batch+json' };
const BINARY = {
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': 'order-1',
  'ce-source': '/checkout',
  'ce-type': 'com.example.order.created',
};

function anEvent(overrides: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: 'order-1',
    source: '/checkout',
    type: 'com.example.order.created',
    time: '2024-05-01T12:30:00Z',
    data: { orderId: 'o-1', amount: 1250 },
    ...overrides,
  };
}

function parse(
  headers: IncomingHttpHeaders,
  body: string | Buffer,
  limits: Partial<BindingLimits> = {},
) {
  return parseCloudEvents({
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    limits: { ...DEFAULT_BINDING_LIMITS, ...limits },
  });
}

/** The error parse throws, which must be a BindingError. */
function parseError(
  headers: IncomingHttpHeaders,
  body: string | Buffer,
  limits: Partial<BindingLimits> = {},
): BindingError {
  try {
    parse(headers, body, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(BindingError);
    return error as BindingError;
  }
  throw new Error('parse did not throw');
}

function rejected(item: ParseItem): RejectedItem {
  if (item.ok) throw new Error(`expected a rejection, got ${item.parsed.json}`);
  return item;
}

/** An event whose data nests `levels` arrays, as text. */
function deepEventText(levels: number, id = 'deep'): string {
  const data = `${'['.repeat(levels)}${']'.repeat(levels)}`;
  return `{"specversion":"1.0","id":"${id}","source":"/s","type":"t","data":${data}}`;
}

describe('parseCloudEvents', () => {
  describe('content mode', () => {
    it.each([
      [STRUCTURED, 'structured'],
      [
        { 'content-type': 'application/cloudevents+json; charset=utf-8' },
        'structured',
      ],
      [
        { 'content-type': 'Application/CloudEvents+JSON; Charset="UTF-8"' },
        'structured',
      ],
      [{ ...STRUCTURED, 'ce-specversion': '1.0' }, 'structured'],
      [BATCH, 'batch'],
      [
        { 'content-type': 'application/cloudevents-batch+json;charset=UTF-8' },
        'batch',
      ],
      [BINARY, 'binary'],
      [
        { ...BINARY, 'content-type': 'application/json; charset=utf-8' },
        'binary',
      ],
      [{ ...BINARY, 'content-type': 'text/json' }, 'binary'],
      [
        { ...BINARY, 'content-type': 'application/vnd.example.order+json' },
        'binary',
      ],
    ])('reads %j as %s', (headers, mode) => {
      const body =
        mode === 'batch'
          ? JSON.stringify([anEvent()])
          : JSON.stringify(mode === 'binary' ? anEvent().data : anEvent());
      const result = parse(headers, body);
      expect(result.mode).toBe(mode);
      expect(result.items).toEqual([expect.objectContaining({ ok: true })]);
    });

    const forms =
      'Send CloudEvents 1.0 in one of these forms: structured (Content-Type: application/cloudevents+json; ' +
      'the body is one event), batched (Content-Type: application/cloudevents-batch+json; the body is a ' +
      'JSON array of events) or binary (headers ce-specversion: 1.0, ce-id, ce-source, ce-type and ' +
      'Content-Type: application/json; the body is the event data).';

    it.each([
      [
        'no Content-Type',
        {},
        `The request has no Content-Type header. ${forms}`,
      ],
      [
        'an empty Content-Type',
        { 'content-type': ' ' },
        `The request has no Content-Type header. ${forms}`,
      ],
      [
        'plain JSON',
        { 'content-type': 'application/json' },
        'Content-Type "application/json" is not a CloudEvents content type. If the body is a CloudEvent ' +
          `in JSON, use Content-Type: application/cloudevents+json. ${forms}`,
      ],
      [
        'text',
        { 'content-type': 'text/plain' },
        `Content-Type "text/plain" is not a CloudEvents content type. ${forms}`,
      ],
      [
        'a malformed Content-Type',
        { 'content-type': 'cloudevents' },
        `Content-Type "cloudevents" is not a valid media type. ${forms}`,
      ],
      [
        'ce- headers without ce-specversion',
        { 'content-type': 'application/json', 'ce-id': '1', 'ce-type': 't' },
        'The request has CloudEvents headers (ce-id, ce-type) but no ce-specversion header, which ' +
          `binary mode requires: add ce-specversion: 1.0. ${forms}`,
      ],
      [
        'another event format',
        { 'content-type': 'application/cloudevents+xml' },
        'Content-Type "application/cloudevents+xml" uses an event format this endpoint does not read: ' +
          'only the JSON format is supported (application/cloudevents+json or application/cloudevents-batch+json).',
      ],
      [
        'structured Latin-1',
        { 'content-type': 'application/cloudevents+json; charset=iso-8859-1' },
        'Content-Type "application/cloudevents+json; charset=iso-8859-1" declares charset "iso-8859-1", ' +
          'but JSON must be sent as UTF-8: use charset=utf-8 or leave the charset out.',
      ],
      [
        'batched UTF-16',
        {
          'content-type': 'application/cloudevents-batch+json; charset=utf-16',
        },
        /declares charset "utf-16", but JSON must be sent as UTF-8/,
      ],
      [
        'binary Latin-1',
        { ...BINARY, 'content-type': 'application/json; charset=latin1' },
        /declares charset "latin1", but JSON must be sent as UTF-8/,
      ],
      [
        'binary text',
        { ...BINARY, 'content-type': 'text/plain' },
        'Content-Type "text/plain" is not JSON. In binary mode the body is the event data, which is ' +
          'validated against the JSON schema of its event type, so it must be JSON: use Content-Type: ' +
          'application/json (or another */json or */*+json type).',
      ],
      [
        'binary form data (curl -d)',
        { ...BINARY, 'content-type': 'application/x-www-form-urlencoded' },
        /"application\/x-www-form-urlencoded" is not JSON/,
      ],
      [
        'a binary body without Content-Type',
        { ...BINARY, 'content-type': undefined },
        'The request has a body but no Content-Type header. In binary mode the body is the event data, ' +
          'which must be JSON: add Content-Type: application/json',
      ],
    ])('refuses %s with 415', (_case, headers, message) => {
      const error = parseError(headers, '{}');
      expect(error.status).toBe(415);
      expect(error.message).toMatch(message);
    });
  });

  describe('structured mode', () => {
    it('accepts an event, as sent', () => {
      const event = anEvent({
        subject: 'Grüße 😀',
        traceparent: '00-abc',
        count: 3,
        flag: true,
      });
      const text = JSON.stringify(event, null, 2);
      expect(parse(STRUCTURED, text)).toEqual({
        mode: 'structured',
        items: [
          {
            index: 0,
            ok: true,
            parsed: { event, json: JSON.stringify(event) },
          },
        ],
      });
    });

    it('drops null attributes, which mean unset, but keeps null data', () => {
      const [item] = parse(
        STRUCTURED,
        JSON.stringify(anEvent({ subject: null, myext: null, data: null })),
      ).items;
      const expected = anEvent({ data: null });
      expect(item).toEqual({
        index: 0,
        ok: true,
        parsed: { event: expected, json: JSON.stringify(expected) },
      });
    });

    it('accepts an event without data', () => {
      const { data, ...event } = anEvent();
      const [item] = parse(STRUCTURED, JSON.stringify(event)).items;
      expect(item.ok && item.parsed.event).toEqual(event);
      expect(item.ok && 'data' in item.parsed.event).toBe(false);
    });

    it('skips a UTF-8 byte order mark', () => {
      const body = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(JSON.stringify(anEvent())),
      ]);
      expect(parse(STRUCTURED, body).items[0].ok).toBe(true);
    });

    it('rejects an event with bad attributes, listing every problem', () => {
      const text = JSON.stringify(
        anEvent({ specversion: '0.3', time: 'yesterday', userId: 'u-1' }),
      );
      expect(parse(STRUCTURED, text).items).toEqual([
        {
          index: 0,
          ok: false,
          reason:
            'Attribute "specversion" is "0.3", but only CloudEvents 1.0 is accepted: set it to "1.0"; ' +
            'Attribute "time" must be an RFC 3339 timestamp such as "2024-05-01T12:30:00Z" or ' +
            '"2024-05-01T14:30:00.123+02:00", got "yesterday"; ' +
            'Attribute "userId" is not a valid attribute name: CloudEvents attribute names contain only ' +
            'lowercase letters a-z and digits 0-9; put application fields inside "data"',
          raw: text,
          id: 'order-1',
          type: 'com.example.order.created',
          source: '/checkout',
        },
      ]);
    });

    it('rejects an event missing required attributes', () => {
      const item = rejected(
        parse(STRUCTURED, '{"specversion":"1.0","id":7}').items[0],
      );
      expect(item.reason).toBe(
        'Attribute "id" must be a non-empty string, got the number 7; ' +
          'Missing required attribute "source"; Missing required attribute "type"',
      );
      expect(item.id).toBeUndefined();
    });

    it.each([
      [
        '[{"specversion":"1.0"}]',
        'An event must be a JSON object, got an array; to send several events in an array, use ' +
          'Content-Type: application/cloudevents-batch+json',
      ],
      ['"hello"', 'An event must be a JSON object, got "hello"'],
      ['42', 'An event must be a JSON object, got the number 42'],
      ['null', 'An event must be a JSON object, got null'],
    ])('rejects the body %s, which is not an object', (text, reason) => {
      expect(parse(STRUCTURED, text).items).toEqual([
        { index: 0, ok: false, reason, raw: text },
      ]);
    });

    it.each([
      [
        '',
        /^The request body is empty; with Content-Type application\/cloudevents\+json it must be one event, a JSON object$/,
      ],
      [' \n\t', /^The request body is empty/],
      ['{"id": }', /^The body is not valid JSON: Unexpected token/],
      [
        '{"id": "1"} {}',
        /^The body is not valid JSON: unexpected text after the end of the JSON value at position 12$/,
      ],
      [
        '{"id": "1}',
        /^The body is not valid JSON: the string starting at position 7 is not closed$/,
      ],
      [
        '{"data": [1, 2}',
        /^The body is not valid JSON: "}" at position 14 closes an array$/,
      ],
    ])('refuses the body %j with 400', (text, message) => {
      const error = parseError(STRUCTURED, text);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    });

    it('refuses a body that is not UTF-8, saying where', () => {
      const body = Buffer.concat([
        Buffer.from('{"specversion":"1.0","subject":"Gr'),
        Buffer.from([0xfc]), // "ü" in Latin-1
        Buffer.from('n"}'),
      ]);
      const error = parseError(STRUCTURED, body);
      expect(error.status).toBe(400);
      expect(error.message).toBe(
        'The request body is not valid UTF-8 (the byte 0xFC at offset 34 does not fit): JSON must be ' +
          'sent as UTF-8, check the encoding the producer writes text in',
      );
    });

    it('finds the bad byte after genuine replacement characters', () => {
      const body = Buffer.concat([
        Buffer.from('"\uFFFD\uFFFDü'),
        Buffer.from([0xc3, 0x28]),
      ]);
      expect(parseError(STRUCTURED, body).message).toMatch(
        /the byte 0xC3 at offset 9 does not fit/,
      );
    });

    describe('event size', () => {
      const event = anEvent({ data: { text: 'Grüße 😀 '.repeat(100) } });
      const json = JSON.stringify(event);
      const bytes = Buffer.byteLength(json);

      it('accepts an event of exactly maxEventBytes', () => {
        expect(json.length).toBeLessThan(bytes); // multi-byte characters count as bytes
        const [item] = parse(STRUCTURED, json, { maxEventBytes: bytes }).items;
        expect(item.ok).toBe(true);
      });

      it('rejects an event one byte larger, recognisably', () => {
        const [item] = parse(STRUCTURED, json, {
          maxEventBytes: bytes - 1,
        }).items;
        expect(item).toEqual({
          index: 0,
          ok: false,
          reason:
            `Event too large: its JSON is ${bytes} bytes, more than the limit of ${
              bytes - 1
            } bytes ` + 'per event; make its data smaller',
          raw: json,
          id: 'order-1',
          type: 'com.example.order.created',
          source: '/checkout',
          tooLarge: true,
        });
      });

      it('measures the JSON as stored, not the text as sent', () => {
        const pretty = JSON.stringify(event, null, 8);
        expect(Buffer.byteLength(pretty)).toBeGreaterThan(bytes);
        expect(
          parse(STRUCTURED, pretty, { maxEventBytes: bytes }).items[0].ok,
        ).toBe(true);
      });
    });

    describe('nesting depth', () => {
      it('accepts an event at the depth limit', () => {
        // The event object is level 1, so 63 arrays of data reach 64.
        const [item] = parse(STRUCTURED, deepEventText(63)).items;
        expect(item.ok).toBe(true);
      });

      it('rejects an event one level deeper', () => {
        const text = deepEventText(64);
        expect(parse(STRUCTURED, text).items).toEqual([
          {
            index: 0,
            ok: false,
            reason:
              'The event nests objects and arrays 65 levels deep, more than the limit of 64 ' +
              '(the event object is level 1): flatten its data',
            raw: text,
          },
        ]);
      });

      // Bounded work: the structural scan refuses it before JSON.parse
      // builds 100,000 levels (what a timed test would show, but noisy).
      it('rejects 100,000 levels without parsing them', () => {
        const text = deepEventText(100_000);
        const parseSpy = jest.spyOn(JSON, 'parse');
        const [item] = parse(STRUCTURED, text).items;
        parseSpy.mockRestore();
        expect(rejected(item).reason).toMatch(
          /nests objects and arrays 100001 levels deep/,
        );
        expect(parseSpy).not.toHaveBeenCalled();
      });

      it('follows the configured limit', () => {
        expect(
          parse(STRUCTURED, deepEventText(2), { maxEventDepth: 3 }).items[0].ok,
        ).toBe(true);
        expect(
          parse(STRUCTURED, deepEventText(3), { maxEventDepth: 3 }).items[0].ok,
        ).toBe(false);
      });
    });
  });

  describe('batched mode', () => {
    it('accepts a batch, keeping each event at its index', () => {
      const events = [
        anEvent({ id: 'a' }),
        anEvent({ id: 'b' }),
        anEvent({ id: 'c' }),
      ];
      expect(parse(BATCH, JSON.stringify(events))).toEqual({
        mode: 'batch',
        items: events.map((event, index) => ({
          index,
          ok: true,
          parsed: { event, json: JSON.stringify(event) },
        })),
      });
    });

    it('keeps the good events when others are bad, with the bad ones as sent', () => {
      const text = `[
        ${JSON.stringify(anEvent({ id: 'good-0' }))},
        {"specversion": "1.0", "id": "bad-1", "source": "/s", "type": "t", "time": "soon",
         "data": {"name": "M\\u00fcller"}},
        42,
        ${JSON.stringify(anEvent({ id: 'good-3' }))},
        {"id": "bad-4", "data_base64": "aGk="}
      ]`;
      const { items } = parse(BATCH, text);
      expect(items.map(item => [item.index, item.ok])).toEqual([
        [0, true],
        [1, false],
        [2, false],
        [3, true],
        [4, false],
      ]);
      expect(items[1]).toEqual({
        index: 1,
        ok: false,
        reason: expect.stringMatching(
          /^Attribute "time" must be an RFC 3339 timestamp/,
        ),
        raw:
          '{"specversion": "1.0", "id": "bad-1", "source": "/s", "type": "t", "time": "soon",\n' +
          '         "data": {"name": "M\\u00fcller"}}',
        id: 'bad-1',
        type: 't',
        source: '/s',
      });
      expect(items[2]).toEqual({
        index: 2,
        ok: false,
        reason: 'An event must be a JSON object, got the number 42',
        raw: '42',
      });
      expect(rejected(items[4]).reason).toBe(
        'Binary data ("data_base64") is not supported: the data of every event is validated against ' +
          'the JSON schema of its type, so send it as JSON in "data"; Missing required attribute ' +
          '"specversion": set it to "1.0"; Missing required attribute "source"; Missing required ' +
          'attribute "type"',
      );
    });

    it('rejects only the events that are too large', () => {
      const small = anEvent({ id: 'small' });
      const large = anEvent({ id: 'large', data: 'x'.repeat(2000) });
      const { items } = parse(BATCH, JSON.stringify([small, large, small]), {
        maxEventBytes: 1000,
      });
      expect(items.map(item => item.ok)).toEqual([true, false, true]);
      expect(items[1]).toMatchObject({
        index: 1,
        tooLarge: true,
        id: 'large',
        reason: expect.stringMatching(
          /^Event too large: its JSON is 21\d\d bytes, more than the limit of 1000 bytes/,
        ),
      });
    });

    it('rejects only the events that are too deep, without parsing them, parsing the rest', () => {
      const deep = deepEventText(100_000, 'deep');
      const text = `[${JSON.stringify(
        anEvent({ id: 'a' }),
      )}, ${deep}, ${deepEventText(63, 'ok-deep')}]`;
      const parseSpy = jest.spyOn(JSON, 'parse');
      const { items } = parse(BATCH, text);
      const parsed = parseSpy.mock.calls.map(([parsedText]) => parsedText);
      parseSpy.mockRestore();
      expect(parsed.some(parsedText => parsedText.includes(deep))).toBe(false);
      expect(items.map(item => item.ok)).toEqual([true, false, true]);
      expect(items[1]).toEqual({
        index: 1,
        ok: false,
        reason: expect.stringMatching(
          /^The event nests objects and arrays 100001 levels deep, more than the limit of 64/,
        ),
        raw: deep,
      });
    });

    it('still refuses malformed JSON when some events are too deep', () => {
      const text = `[${deepEventText(100)}, {"id": }]`;
      const error = parseError(BATCH, text);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(
        /^The event at index 1 is not valid JSON: Unexpected token/,
      );
    });

    it.each([
      ['[]', 400, /^The batch is empty: send at least one event$/],
      [' [ \n ] ', 400, /^The batch is empty/],
      [
        '',
        400,
        /^The request body is empty; with Content-Type application\/cloudevents-batch\+json it must be a JSON array of events$/,
      ],
      [
        JSON.stringify(anEvent()),
        400,
        /^With Content-Type application\/cloudevents-batch\+json the body must be a JSON array of events; to send one event as a JSON object, use Content-Type: application\/cloudevents\+json$/,
      ],
      [
        '"events"',
        400,
        /^With Content-Type application\/cloudevents-batch\+json the body must be a JSON array of events$/,
      ],
      [
        '[{"id":"1"},]',
        400,
        /^The body is not valid JSON: Unexpected token ']'/,
      ],
      [
        '[{"id":"1"}',
        400,
        /^The body is not valid JSON: it ends before 1 open arrays or objects are closed$/,
      ],
      [
        '[{"id":"1"}] []',
        400,
        /^The body is not valid JSON: unexpected text after the end/,
      ],
    ])('refuses the body %j', (text, status, message) => {
      const error = parseError(BATCH, text);
      expect(error.status).toBe(status);
      expect(error.message).toMatch(message);
    });

    it('accepts maxBatchEvents events and refuses one more with 413', () => {
      const batch = (n: number) =>
        JSON.stringify(
          Array.from({ length: n }, (_, i) => anEvent({ id: `e-${i}` })),
        );
      expect(parse(BATCH, batch(5), { maxBatchEvents: 5 }).items).toHaveLength(
        5,
      );
      const error = parseError(BATCH, batch(6), { maxBatchEvents: 5 });
      expect(error.status).toBe(413);
      expect(error.message).toBe(
        'The batch has 6 events, more than the limit of 5 per request: send them in smaller batches',
      );
    });

    it('refuses a batch that is not UTF-8', () => {
      const body = Buffer.from('[{"id":"M\xfcller"}]', 'latin1');
      expect(parseError(BATCH, body)).toMatchObject({
        status: 400,
        message: expect.stringMatching(
          /^The request body is not valid UTF-8 \(the byte 0xFC at offset 9/,
        ),
      });
    });
  });

  describe('binary mode', () => {
    const data = { orderId: 'o-1', amount: 1250 };

    it('assembles the event from headers and body', () => {
      const headers = {
        ...BINARY,
        'ce-time': '2024-05-01T12:30:00Z',
        'ce-dataschema': 'https://example.com/schemas/order/1',
        'ce-subject': 'Gr%C3%BC%C3%9Fe%20%F0%9F%98%80',
        'ce-count': '5',
        'ce-quoted': '"a \\"b\\""',
        authorization: 'Bearer secret',
        'user-agent': 'test',
      };
      const event = {
        specversion: '1.0',
        id: 'order-1',
        source: '/checkout',
        type: 'com.example.order.created',
        time: '2024-05-01T12:30:00Z',
        dataschema: 'https://example.com/schemas/order/1',
        subject: 'Grüße 😀',
        count: '5', // headers carry strings; the JSON format reads them as any type
        quoted: 'a "b"',
        datacontenttype: 'application/json',
        data,
      };
      expect(parse(headers, JSON.stringify(data))).toEqual({
        mode: 'binary',
        items: [
          {
            index: 0,
            ok: true,
            parsed: { event, json: JSON.stringify(event) },
          },
        ],
      });
    });

    it.each([
      ['"just a string"', 'just a string'],
      ['null', null],
      ['[1, 2]', [1, 2]],
    ])('takes the body %s as data', (body, expected) => {
      const [item] = parse(BINARY, body).items;
      expect(item.ok && item.parsed.event.data).toEqual(expected);
    });

    it('makes an event without data from an empty body', () => {
      const [item] = parse(BINARY, '').items;
      expect(item.ok && item.parsed.event).toEqual({
        specversion: '1.0',
        id: 'order-1',
        source: '/checkout',
        type: 'com.example.order.created',
        datacontenttype: 'application/json',
      });
    });

    it('needs no Content-Type when the body is empty', () => {
      const [item] = parse({ ...BINARY, 'content-type': undefined }, '').items;
      expect(item.ok && item.parsed.json).toBe(
        '{"specversion":"1.0","id":"order-1","source":"/checkout","type":"com.example.order.created"}',
      );
    });

    it('accepts header names in any case', () => {
      const headers = Object.fromEntries(
        Object.entries(BINARY).map(([name, value]) => [
          name.toUpperCase(),
          value,
        ]),
      );
      expect(parse(headers, '{}').items[0].ok).toBe(true);
    });

    it.each([
      [
        'ce-subject',
        'Gr%G1n',
        'Header ce-subject has an invalid percent-encoding "%G1" at position 2: "%" must be followed by two hexadecimal digits (send a literal "%" as %25)',
      ],
      [
        'ce-subject',
        'abc%4',
        'Header ce-subject has an invalid percent-encoding "%4" at position 3: "%" must be followed by two hexadecimal digits (send a literal "%" as %25)',
      ],
      [
        'ce-subject',
        '%FF',
        'Header ce-subject percent-decodes to bytes that are not valid UTF-8; percent-encode the UTF-8 bytes of each character, e.g. "ü" as %C3%BC',
      ],
      [
        'ce-subject',
        'a%0Ab',
        'Attribute "subject" (header ce-subject) contains the control character U+000A at position 1, which CloudEvents does not allow in attribute values',
      ],
      [
        'ce-subject',
        Buffer.from('Grüße', 'utf8').toString('latin1'), // raw UTF-8 bytes, as Node hands them over
        'Header ce-subject contains the byte 0xC3 at position 2, but header values must be printable ASCII, ' +
          'with other characters sent as percent-encoded UTF-8 (CloudEvents HTTP binding, section 3.1.3.2); ' +
          'it looks like unencoded UTF-8 for "Grüße": send "Gr%C3%BC%C3%9Fe"',
      ],
      [
        'ce-specversion',
        '0.3',
        'Attribute "specversion" (header ce-specversion) is "0.3", but only CloudEvents 1.0 is accepted: set it to "1.0"',
      ],
      [
        'ce-time',
        'now',
        'Attribute "time" (header ce-time) must be an RFC 3339 timestamp such as "2024-05-01T12:30:00Z" or "2024-05-01T14:30:00.123+02:00", got "now"',
      ],
      [
        'ce-id',
        '',
        'Attribute "id" (header ce-id) must be a non-empty string, got an empty string',
      ],
      [
        'ce-datacontenttype',
        'application/json',
        'Header ce-datacontenttype must not be sent in binary mode: the Content-Type header carries the content type of the data',
      ],
      [
        'ce-data',
        '{}',
        'Header ce-data is not allowed: in binary mode the event data is the request body',
      ],
      [
        'ce-my-extension',
        'x',
        'Header ce-my-extension does not name a valid attribute: after "ce-", CloudEvents attribute names contain only letters a-z and digits 0-9',
      ],
      [
        'ce-',
        'x',
        'Header ce- does not name a valid attribute: after "ce-", CloudEvents attribute names contain only letters a-z and digits 0-9',
      ],
    ])('rejects the header %s: %j', (header, value, reason) => {
      const headers = {
        ...BINARY,
        [header]: value,
        authorization: 'Bearer secret',
      };
      const body = JSON.stringify(data);
      const [item] = parse(headers, body).items;
      const { authorization, ...eventHeaders } = headers;
      expect(item).toEqual({
        index: 0,
        ok: false,
        reason,
        raw: JSON.stringify({ headers: eventHeaders, body }),
        ...(header === 'ce-id' ? {} : { id: 'order-1' }),
        type: 'com.example.order.created',
        source: '/checkout',
      });
    });

    it('reports every header problem at once', () => {
      const headers = {
        ...BINARY,
        'ce-id': undefined,
        'ce-subject': '%',
        'ce-bad_name': 'x',
      };
      expect(rejected(parse(headers, '{}').items[0]).reason).toBe(
        'Header ce-subject has an invalid percent-encoding "%" at position 0: "%" must be followed by ' +
          'two hexadecimal digits (send a literal "%" as %25); Header ce-bad_name does not name a valid ' +
          'attribute: after "ce-", CloudEvents attribute names contain only letters a-z and digits 0-9; ' +
          'Missing required attribute "id" (header ce-id)',
      );
    });

    it.each([
      [
        '{"orderId": }',
        /^The body \(in binary mode, the event data\) is not valid JSON: Unexpected token/,
      ],
      [
        '{"orderId": "o-1"',
        /^The body \(in binary mode, the event data\) is not valid JSON: it ends before 1 open/,
      ],
      [
        'order o-1',
        /^The body \(in binary mode, the event data\) is not valid JSON: Unexpected token/,
      ],
      [
        ' ',
        /^The body \(in binary mode, the event data\) is not valid JSON: Unexpected end of JSON input/,
      ],
    ])('refuses the body %j with 400', (body, message) => {
      expect(parseError(BINARY, body)).toMatchObject({
        status: 400,
        message: expect.stringMatching(message),
      });
    });

    it('refuses a body that is not UTF-8', () => {
      expect(parseError(BINARY, Buffer.from([0x22, 0xe9, 0x22]))).toMatchObject(
        {
          status: 400,
          message: expect.stringMatching(
            /^The request body is not valid UTF-8 \(the byte 0xE9 at offset 1/,
          ),
        },
      );
    });

    it('counts the event object as a level of nesting', () => {
      const nested = (levels: number) =>
        `${'['.repeat(levels)}${']'.repeat(levels)}`;
      expect(parse(BINARY, nested(63)).items[0].ok).toBe(true);
      expect(rejected(parse(BINARY, nested(64)).items[0]).reason).toBe(
        'The event nests objects and arrays 65 levels deep, more than the limit of 64 (the event ' +
          'object is level 1): flatten its data',
      );
    });

    it('rejects 100,000 levels of data without parsing them, naming the event', () => {
      const body = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      const parseSpy = jest.spyOn(JSON, 'parse');
      const [item] = parse(BINARY, body).items;
      const parsed = parseSpy.mock.calls.map(([parsedText]) => parsedText);
      parseSpy.mockRestore();
      expect(parsed).not.toContain(body);
      expect(item).toMatchObject({
        ok: false,
        id: 'order-1',
        reason: expect.stringMatching(/100001 levels deep/),
      });
    });

    it('rejects an event that is too large, recognisably', () => {
      const [item] = parse(BINARY, JSON.stringify({ text: 'x'.repeat(1000) }), {
        maxEventBytes: 1000,
      }).items;
      expect(item).toMatchObject({
        ok: false,
        tooLarge: true,
        id: 'order-1',
        reason: expect.stringMatching(
          /^Event too large: its JSON is 11\d\d bytes, more than the limit of 1000 bytes/,
        ),
      });
    });
  });
});

describe('the JSON of an accepted event', () => {
  it('is spelled as JSON.stringify writes it, whatever the spelling sent, without null attributes', () => {
    const spaced = `{ "specversion": "1.0", "id": "a", "source": "/s", "type": "t.x" }`;
    const withNull = `{"specversion":"1.0","id":"b","source":"/s","type":"t.x","subject":null}`;
    const { items } = parse(BATCH, `[${spaced},${withNull}]`);
    expect(items.map(item => item.ok && item.parsed.json)).toEqual([
      '{"specversion":"1.0","id":"a","source":"/s","type":"t.x"}',
      '{"specversion":"1.0","id":"b","source":"/s","type":"t.x"}',
    ]);
  });

  it('is the body in structured mode when that is already so spelled', () => {
    const body = JSON.stringify(anEvent());
    const [item] = parse(STRUCTURED, `${body}\n`).items;
    expect(item.ok && item.parsed.json).toBe(body);
  });
});
