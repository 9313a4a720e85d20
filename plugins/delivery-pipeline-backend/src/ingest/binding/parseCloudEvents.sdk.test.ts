import { CloudEvent, HTTP } from 'cloudevents';
import type { IncomingHttpHeaders } from 'node:http';
import { BindingError } from './BindingError';
import { DEFAULT_BINDING_LIMITS } from './limits';
import { parseCloudEvents } from './parseCloudEvents';
import { percentEncode } from './percentDecode';
import type { ParseItem } from './types';

/**
 * Requests as the official JavaScript SDK (cloudevents v10) makes them, so
 * that what producers will actually send is covered, and what we accept
 * is read back by the SDK to check it is still a valid CloudEvent.
 */

type Message = { headers: Record<string, unknown>; body: unknown };

/**
 * The headers as Node's HTTP server hands them over when the client writes
 * each value as UTF-8 bytes (as most HTTP clients do): strings, one
 * character per byte, names in lowercase.
 */
function asReceived(headers: Record<string, unknown>): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.toLowerCase(),
      Buffer.from(String(value), 'utf8').toString('latin1'),
    ]),
  );
}

/** What the binding requires of a sender and the SDK does not do. */
function withPercentEncoding(headers: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      name.startsWith('ce-') ? percentEncode(String(value)) : value,
    ]),
  );
}

function parse(message: Message) {
  return parseCloudEvents({
    headers: asReceived(message.headers),
    body: Buffer.from(message.body as string | Uint8Array),
    limits: DEFAULT_BINDING_LIMITS,
  });
}

function accepted(item: ParseItem) {
  if (!item.ok) throw new Error(`expected acceptance, got: ${item.reason}`);
  return item.parsed;
}

/** Reads our output back with the SDK, which validates it strictly. */
function readBackWithSdk(json: string): CloudEvent<unknown> {
  return HTTP.toEvent({
    headers: { 'content-type': 'application/cloudevents+json' },
    body: json,
  }) as CloudEvent<unknown>;
}

const order = {
  type: 'com.example.order.created',
  source: '/checkout',
  time: '2024-05-01T12:30:00.000Z',
  dataschema: 'https://example.com/schemas/order/1',
  subject: 'order-1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  count: 5,
  flag: true,
  data: { orderId: 'o-1', amount: 1250, customer: { name: 'Müller' } },
};

describe('parseCloudEvents with requests from the cloudevents SDK', () => {
  it('accepts a structured event, and the SDK reads it back unchanged', () => {
    const event = new CloudEvent(order);
    const message = HTTP.structured(event);
    const result = parse(message);
    expect(result.mode).toBe('structured');
    const parsed = accepted(result.items[0]);
    expect(parsed.event).toEqual(JSON.parse(message.body as string));
    expect(readBackWithSdk(parsed.json)).toEqual(event);
  });

  it('accepts a batch', () => {
    const events = [
      new CloudEvent(order),
      new CloudEvent({ ...order, subject: 'order-2' }),
      new CloudEvent({ type: 'com.example.ping', source: '/probe' }),
    ];
    const result = parse({
      headers: {
        'content-type': 'application/cloudevents-batch+json; charset=utf-8',
      },
      body: JSON.stringify(events),
    });
    expect(result.mode).toBe('batch');
    expect(
      result.items.map(item => readBackWithSdk(accepted(item).json)),
    ).toEqual(events);
  });

  it('accepts a binary event with ASCII headers, as the SDK itself would read it', () => {
    const message = HTTP.binary(new CloudEvent(order));
    const result = parse(message);
    expect(result.mode).toBe('binary');
    const parsed = accepted(result.items[0]);
    const sdkRead = HTTP.toEvent({
      headers: asReceived(message.headers),
      body: message.body,
    }) as CloudEvent<unknown>;
    expect(parsed.event).toEqual({ ...sdkRead.toJSON() });
    // Headers carry no types: extensions arrive as strings.
    expect(parsed.event).toMatchObject({ count: '5', flag: 'true' });
  });

  describe('a binary event with non-ASCII attributes', () => {
    const event = new CloudEvent({ ...order, subject: 'Grüße 😀' });

    it('rejects the raw UTF-8 header the SDK sends, saying how to encode it', () => {
      const message = HTTP.binary(event);
      const [item] = parse(message).items;
      expect(item).toMatchObject({
        ok: false,
        id: event.id,
        reason:
          'Header ce-subject contains the byte 0xC3 at position 2, but header values must be ' +
          'printable ASCII, with other characters sent as percent-encoded UTF-8 (CloudEvents HTTP ' +
          'binding, section 3.1.3.2); it looks like unencoded UTF-8 for "Grüße 😀": send ' +
          '"Gr%C3%BC%C3%9Fe%20%F0%9F%98%80"',
      });
      expect(!item.ok && JSON.parse(item.raw)).toEqual({
        headers: asReceived(message.headers),
        body: message.body,
      });
    });

    it('accepts it when the headers are percent-encoded, as the binding requires', () => {
      const message = HTTP.binary(event);
      const parsed = accepted(
        parse({ ...message, headers: withPercentEncoding(message.headers) })
          .items[0],
      );
      expect(parsed.event.subject).toBe('Grüße 😀');
      expect(readBackWithSdk(parsed.json).subject).toBe('Grüße 😀');
    });
  });

  it('refuses string data sent unquoted in binary mode, as the SDK does', () => {
    const message = HTTP.binary(new CloudEvent({ ...order, data: 'hello' }));
    expect(message.body).toBe('hello');
    expect(() => parse(message)).toThrow(
      new BindingError(
        400,
        "The body (in binary mode, the event data) is not valid JSON: Unexpected token 'h', " +
          '"hello" is not valid JSON. To send text as data, send it as a JSON string, in double quotes',
      ),
    );
  });

  it('rejects binary data in structured mode (data_base64)', () => {
    const message = HTTP.structured(
      new CloudEvent({
        ...order,
        datacontenttype: 'application/octet-stream',
        data: new Uint8Array([1, 2, 3]),
      }),
    );
    expect(parse(message).items[0]).toMatchObject({
      ok: false,
      reason:
        'Attribute "datacontenttype" is "application/octet-stream", but event data is validated ' +
        'against a JSON schema, so it must be JSON: use "application/json" (or any */json or ' +
        '*/*+json type), or leave it out; Binary data ("data_base64") is not supported: the data of ' +
        'every event is validated against the JSON schema of its type, so send it as JSON in "data"',
    });
  });

  it('refuses binary data in binary mode with 415', () => {
    const message = HTTP.binary(
      new CloudEvent({
        ...order,
        datacontenttype: 'application/octet-stream',
        data: new Uint8Array([1, 2, 3]),
      }),
    );
    expect(() => parse(message)).toThrow(
      expect.objectContaining({
        status: 415,
        message: expect.stringMatching(
          /^Content-Type "application\/octet-stream" is not JSON/,
        ),
      }),
    );
  });
});
