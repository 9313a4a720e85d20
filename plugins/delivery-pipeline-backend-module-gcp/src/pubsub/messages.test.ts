import {
  fromMessage,
  MAX_BYTES_PER_PUBLISH,
  toMessage,
  toPublishBatches,
} from './messages';

const event = (eventType: string, line: string, receivedAt = 1000) => ({
  eventType,
  receivedAt,
  line,
});

describe('toPublishBatches', () => {
  it('groups by type and cuts at 1000 messages', () => {
    const events = [
      ...Array.from({ length: 1500 }, (_, i) => event('a', `{"i":${i}}`)),
      event('b', '{}'),
    ];

    const batches = toPublishBatches(events);

    expect(batches.map(b => [b.eventType, b.events.length])).toEqual([
      ['a', 1000],
      ['a', 500],
      ['b', 1],
    ]);
    expect(batches[1].events[0]).toBe(events[1000]);
  });

  it('cuts at 9 MB as the REST API carries them (base64)', () => {
    const line = 'x'.repeat(3_000_000);
    const batches = toPublishBatches([
      event('a', line),
      event('a', line),
      event('a', line),
    ]);

    // Each is 4 MB in base64: two fit, not three.
    expect(batches.map(b => b.events.length)).toEqual([2, 1]);
  });

  it('sends an event larger than a request alone', () => {
    const huge = 'x'.repeat(MAX_BYTES_PER_PUBLISH);

    expect(
      toPublishBatches([
        event('a', '{}'),
        event('a', huge),
        event('a', '{}'),
      ]).map(b => b.events.length),
    ).toEqual([1, 1, 1]);
  });
});

describe('messages', () => {
  it('round-trips an event', () => {
    const original = event('com.example.x', '{"ü":1}', 1712345678901);
    const message = toMessage(original);

    expect(message.attributes).toEqual({
      eventType: 'com.example.x',
      receivedAt: '1712345678901',
    });
    expect(fromMessage(message, 'com.example.x')).toEqual(original);
    expect(
      fromMessage(
        { ...message, data: message.data.toString('base64') },
        'com.example.x',
      ),
    ).toEqual(original);
  });

  it.each([
    [{ data: Buffer.from('{}') }, /no eventType/],
    [
      {
        data: Buffer.from('{}'),
        attributes: { eventType: 'y', receivedAt: '1' },
      },
      /not its topic's x/,
    ],
    [
      {
        data: Buffer.from('{}'),
        attributes: { eventType: 'x', receivedAt: 'soon' },
      },
      /receivedAt attribute "soon"/,
    ],
    [
      {
        data: Buffer.from('{}'),
        attributes: { eventType: 'x', receivedAt: '-5' },
      },
      /receivedAt/,
    ],
  ])('calls %j poison', (message, reason) => {
    const result = fromMessage(message, 'x');
    expect(result).toEqual({ poison: expect.stringMatching(reason) });
  });

  it('carries an event whose line was empty (Pub/Sub omits empty data)', () => {
    expect(
      fromMessage({ attributes: { eventType: 'x', receivedAt: '5' } }, 'x'),
    ).toEqual({ eventType: 'x', receivedAt: 5, line: '' });
  });
});
