import { CheckedEvent } from '../ingest/checkAgainstRegistry';
import {
  closeMemoryDatabases,
  testKeychain,
} from './__testUtils__/testKeychain';
import { personalDataFieldsOf } from './personalDataFields';
import {
  FAILED_EVENT_PURPOSE,
  PersonalDataProtector,
} from './PersonalDataProtector';
import { openText, openValue } from './sealing';

const TYPE = 'com.example.account.updated';
const personalData = personalDataFieldsOf({
  dataSubject: 'user.id',
  personalDataFields: [
    'user.email',
    'addresses',
    'contacts[].phone',
    'tags.{}.note',
  ],
});

function checked(
  index: number,
  data: unknown,
  id = `e-${index}`,
): CheckedEvent {
  const event = {
    specversion: '1.0' as const,
    id,
    source: '//accounts',
    type: TYPE,
    data,
  };
  return {
    index,
    eventType: TYPE,
    event,
    json: JSON.stringify(event),
    personalData,
  };
}

const alice = () => ({
  user: { id: 'alice', email: 'alice@example.com', plan: 'premium' },
  addresses: [{ city: 'Oslo' }],
  contacts: [{ phone: '+47 1' }, { phone: '+47 2', kind: 'work' }],
  tags: { a: { note: 'private' } },
  count: 3,
});

afterEach(closeMemoryDatabases);

describe('PersonalDataProtector', () => {
  it('seals every personal field with the subject key and puts the pseudonym in the subject field', async () => {
    const { keychain } = await testKeychain();
    const protector = new PersonalDataProtector({ keychain });
    const { accepted, rejected } = await protector.protect([
      checked(0, alice()),
    ]);
    expect(rejected).toEqual([]);
    const { data } = JSON.parse(accepted[0].json);
    const key = (
      (await keychain.keysForSubjects(['alice'])).get('alice') as any
    ).key;
    expect(data.user.id).toBe(`ps1:${key.keyId}`);
    expect(data.user.plan).toBe('premium');
    expect(data.count).toBe(3);
    expect(data.contacts[1].kind).toBe('work');
    const open = (v: string) => openValue(key, TYPE, v);
    expect(open(data.user.email)).toBe('alice@example.com');
    expect(open(data.addresses)).toEqual([{ city: 'Oslo' }]);
    expect(data.contacts.map((c: any) => open(c.phone))).toEqual([
      '+47 1',
      '+47 2',
    ]);
    expect(open(data.tags.a.note)).toBe('private');
    for (const clear of [
      'alice@example.com',
      'Oslo',
      '+47 1',
      'private',
      '"alice"',
    ]) {
      expect(accepted[0].json).not.toContain(clear);
    }
  });

  it('seals a resent event to the same bytes, so the deduper still sees a resend', async () => {
    const { keychain } = await testKeychain();
    const protector = new PersonalDataProtector({ keychain });
    const first = await protector.protect([checked(0, alice())]);
    const again = await protector.protect([checked(0, alice())]);
    // On another replica, with nothing remembered, too.
    const other = new PersonalDataProtector({ keychain });
    const elsewhere = await other.protect([checked(0, alice())]);
    expect(again.accepted[0].json).toBe(first.accepted[0].json);
    expect(elsewhere.accepted[0].json).toBe(first.accepted[0].json);
  });

  it('rejects events without a subject, keeps order, and drops those of suppressed people', async () => {
    const { keychain } = await testKeychain({
      suppressedSubjects: ['mallory'],
    });
    const protector = new PersonalDataProtector({ keychain });
    const plain: CheckedEvent = {
      ...checked(1, { n: 1 }),
      personalData: undefined,
    };
    const { accepted, rejected } = await protector.protect([
      checked(0, { user: { email: 'x@y.z' } }),
      plain,
      checked(2, { user: { id: '' } }),
      checked(3, { ...alice(), user: { id: 'mallory' } }),
      checked(4, alice()),
    ]);
    expect(accepted.map(e => e.index)).toEqual([1, 4]);
    expect(accepted[0]).toBe(plain);
    expect(rejected).toEqual([
      expect.objectContaining({
        index: 0,
        reason: expect.stringMatching(
          /^data\.user\.id must name the person .*got none$/,
        ),
        dataSubject: 'user.id',
        eventId: 'e-0',
      }),
      expect.objectContaining({
        index: 2,
        reason: expect.stringContaining('got an empty string'),
      }),
      expect.objectContaining({
        index: 3,
        reason: expect.stringContaining(
          'erased and asked that events about them no longer be collected',
        ),
        discard: true,
      }),
    ]);
  });

  it('rejects the events of a type with personal data but no data subject', async () => {
    const { keychain } = await testKeychain();
    const protector = new PersonalDataProtector({ keychain });
    const event = {
      ...checked(0, { email: 'a@b.c' }),
      personalData: personalDataFieldsOf({ personalDataFields: ['email'] }),
    };
    const { accepted, rejected } = await protector.protect([event]);
    expect(accepted).toEqual([]);
    expect(rejected[0].reason).toMatch(
      /has personal data fields but no data subject.*PATCH \/api\/event-schemas\/event-types\/com\.example\.account\.updated/,
    );
  });

  it("seals failed payloads with the subject's key when it can be read, else with the store's", async () => {
    const { keychain } = await testKeychain();
    const protector = new PersonalDataProtector({ keychain });
    const payload = JSON.stringify({ type: TYPE, data: alice() });
    const sealed = await protector.sealFailed([
      { index: 0, reason: 'r', payload, dataSubject: 'user.id' },
      { index: 1, reason: 'r', payload: '{not json', dataSubject: 'user.id' },
      { index: 2, reason: 'r', payload },
    ]);
    const aliceKey = (
      (await keychain.keysForSubjects(['alice'])).get('alice') as any
    ).key;
    const storeKey = await keychain.failedEventsKey();
    expect(sealed.map(s => s!.keyId)).toEqual([
      aliceKey.keyId,
      storeKey.keyId,
      storeKey.keyId,
    ]);
    expect(sealed[0]!.payload).not.toContain('alice');
    expect(openText(aliceKey, FAILED_EVENT_PURPOSE, sealed[0]!.payload)).toBe(
      payload,
    );
    expect(openText(storeKey, FAILED_EVENT_PURPOSE, sealed[1]!.payload)).toBe(
      '{not json',
    );
  });

  it('keeps no failed event of a person whose events are refused', async () => {
    const { keychain } = await testKeychain({ suppressedSubjects: ['alice'] });
    const protector = new PersonalDataProtector({ keychain });
    const payload = JSON.stringify({ type: TYPE, data: alice() });
    expect(
      await protector.sealFailed([
        { index: 0, reason: 'r', payload, dataSubject: 'user.id' },
      ]),
    ).toEqual([undefined]);
  });
});
