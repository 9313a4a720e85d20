import {
  closeMemoryDatabases,
  testKeychain,
} from '../personalData/__testUtils__/testKeychain';
import { personalDataFieldsOf } from '../personalData/personalDataFields';
import { PersonalDataProtector } from '../personalData/PersonalDataProtector';
import { DEFAULT_BINDING_LIMITS, parseCloudEvents } from './binding';
import { CheckedEvent, stampReceived } from './checkAgainstRegistry';

// From the binding to the stored line: whatever the producer's spelling
// (whitespace, escapes, number forms, a repeated member), the line is
// JSON.stringify's spelling of the event, sealed or not, because the deduper
// reads lines without parsing them and tells a resend from a conflict by a
// hash of the line (see scanLine.ts and dedupePartition.ts).

const PLAIN = 'com.example.track.played';
const PERSONAL = 'com.example.account.updated';
const RECEIVED_AT = Date.UTC(2026, 11, 7, 12, 0, 0);

afterEach(closeMemoryDatabases);

async function storedLines(body: string) {
  const { items } = parseCloudEvents({
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: Buffer.from(body),
    limits: DEFAULT_BINDING_LIMITS,
  });
  const checked: CheckedEvent[] = items.map(item => {
    if (!item.ok) throw new Error(item.reason);
    const { event, json } = item.parsed;
    return {
      index: item.index,
      eventType: event.type,
      event,
      json,
      personalData:
        event.type === PERSONAL
          ? personalDataFieldsOf({
              dataSubject: 'user',
              personalDataFields: ['email'],
            })
          : undefined,
    };
  });
  const { keychain } = await testKeychain();
  const { accepted, rejected } = await new PersonalDataProtector({
    keychain,
  }).protect(checked);
  expect(rejected).toEqual([]);
  return stampReceived(accepted, RECEIVED_AT).map(e => e.line);
}

const stamp = `,"receivedAt":"${new Date(RECEIVED_AT).toISOString()}"}`;

describe('the stored line of an event', () => {
  it('is the compact text of each plain event, unicode and escapes kept, and a new serialization of a sealed one', async () => {
    const first = `{"specversion":"1.0","id":"a","source":"//s","type":"${PLAIN}","data":{"title":"Zoë — 東京 🎧","note":"say \\"hi\\"\\n\\tbye \\\\o/"}}`;
    const sealed = `{"specversion":"1.0","id":"b","source":"//s","type":"${PERSONAL}","data":{"user":"alice","email":"alice@example.com"}}`;
    const last = `{"specversion":"1.0","id":"c","source":"//s","type":"${PLAIN}","data":{"n":[1,0.5,-3]}}`;
    const lines = await storedLines(
      `[\n  ${first} ,\r\n\t${sealed},${last}  \n]`,
    );

    expect(lines[0]).toBe(`${first.slice(0, -1)}${stamp}`);
    expect(lines[2]).toBe(`${last.slice(0, -1)}${stamp}`);
    expect(lines[1]).not.toContain('alice');
    const { receivedAt, ...event } = JSON.parse(lines[1]);
    expect(receivedAt).toBe(new Date(RECEIVED_AT).toISOString());
    expect(lines[1]).toBe(`${JSON.stringify(event).slice(0, -1)}${stamp}`);
    expect(event.data.email).not.toBe('alice@example.com');
  });

  it('is the same bytes however the producer spelled the event', async () => {
    const compact = `{"specversion":"1.0","id":"a","source":"//s","type":"${PLAIN}","data":{"title":"café","n":1}}`;
    const spelled = [
      compact,
      `{ "specversion": "1.0", "id": "a", "source": "//s", "type": "${PLAIN}", "data": { "title": "café", "n": 1 } }`,
      compact.replace('café', 'caf\\u00e9'),
      compact.replace('"n":1', '"n":1.0'),
      compact.replace('"//s"', '"\\/\\/s"'),
      compact.replace('"id":"a"', '"id":"x","id":"a"'),
    ];
    const lines = await storedLines(`[${spelled.join(',')}]`);
    expect(new Set(lines)).toEqual(
      new Set([`${compact.slice(0, -1)}${stamp}`]),
    );
  });

  it('never holds a line break, whatever the whitespace of the batch', async () => {
    const event = `{\n"specversion":"1.0",\n"id":"a",\n"source":"//s",\n"type":"${PLAIN}"\n}`;
    const lines = await storedLines(`[${event}]`);
    expect(lines).toEqual([
      `{"specversion":"1.0","id":"a","source":"//s","type":"${PLAIN}"${stamp}`,
    ]);
  });
});
