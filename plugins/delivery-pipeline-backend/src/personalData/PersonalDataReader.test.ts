import {
  ERASED_VALUE,
  MASKED_VALUE,
  UNREADABLE_VALUE,
} from '@data-collection/plugin-delivery-pipeline-common';
import { CheckedEvent } from '../ingest/checkAgainstRegistry';
import {
  closeMemoryDatabases,
  testKeychain,
} from './__testUtils__/testKeychain';
import { personalDataFieldsOf } from './personalDataFields';
import { PersonalDataProtector } from './PersonalDataProtector';
import { PersonalDataReader } from './PersonalDataReader';

const TYPE = 'com.example.account.updated';
const personalData = personalDataFieldsOf({
  dataSubject: 'user_id',
  personalDataFields: ['email', 'contacts[].phone'],
})!;

async function setUp() {
  const { keychain } = await testKeychain();
  const protector = new PersonalDataProtector({ keychain });
  const reader = new PersonalDataReader({ keychain });
  const events = (
    await protector.protect(
      ['alice', 'bob'].map((who, index) => {
        const event = {
          specversion: '1.0' as const,
          id: `e-${index}`,
          source: '//accounts',
          type: TYPE,
          data: {
            user_id: who,
            email: `${who}@example.com`,
            contacts: [{ phone: `${who}-phone` }],
            plan: 'free',
          },
        };
        return {
          index,
          eventType: TYPE,
          event,
          json: JSON.stringify(event),
          personalData,
        } as CheckedEvent;
      }),
    )
  ).accepted.map(e => JSON.parse(e.json));
  return { keychain, reader, events, protector };
}

afterEach(closeMemoryDatabases);

describe('PersonalDataReader', () => {
  it('opens personal values for allowed readers, clear subject ids included', async () => {
    const { reader, events } = await setUp();
    const { clearValues } = await reader.revealEvents({
      eventType: TYPE,
      events,
      personalData,
      access: 'clear',
    });
    expect(events.map(e => e.data)).toEqual([
      {
        user_id: 'alice',
        email: 'alice@example.com',
        contacts: [{ phone: 'alice-phone' }],
        plan: 'free',
      },
      {
        user_id: 'bob',
        email: 'bob@example.com',
        contacts: [{ phone: 'bob-phone' }],
        plan: 'free',
      },
    ]);
    expect(clearValues).toBe(6);
  });

  it('masks personal values for everyone else, keeping the pseudonym', async () => {
    const { reader, events } = await setUp();
    const pseudonym = events[0].data.user_id;
    await reader.revealEvents({
      eventType: TYPE,
      events,
      personalData,
      access: 'masked',
    });
    expect(events[0].data).toEqual({
      user_id: pseudonym,
      email: MASKED_VALUE,
      contacts: [{ phone: MASKED_VALUE }],
      plan: 'free',
    });
    expect(pseudonym).toMatch(/^ps1:/);
  });

  it('masks values stored in clear before sealing, and sealed values outside the fields listed now', async () => {
    const { reader, events } = await setUp();
    const legacy = [
      { data: { user_id: 'carol', email: 'carol@example.com', plan: 'x' } },
    ];
    await reader.revealEvents({
      eventType: TYPE,
      events: legacy,
      personalData,
      access: 'masked',
    });
    expect(legacy[0].data).toEqual({
      user_id: MASKED_VALUE,
      email: MASKED_VALUE,
      plan: 'x',
    });
    const narrowed = personalDataFieldsOf({
      dataSubject: 'user_id',
      personalDataFields: [],
    })!;
    await reader.revealEvents({
      eventType: TYPE,
      events,
      personalData: narrowed,
      access: 'masked',
    });
    expect(events[0].data.email).toBe(MASKED_VALUE);
  });

  it("shows an erased person's values as erased, a changed value as unreadable, others as before", async () => {
    const { reader, events, keychain } = await setUp();
    await keychain.erase({ subject: 'alice', suppress: false });
    const sealed = events[1].data.email as string;
    events[1].data.email = `${sealed.slice(0, -4)}AAAA`;
    await reader.revealEvents({
      eventType: TYPE,
      events,
      personalData,
      access: 'clear',
    });
    expect(events[0].data).toEqual({
      user_id: ERASED_VALUE,
      email: ERASED_VALUE,
      contacts: [{ phone: ERASED_VALUE }],
      plan: 'free',
    });
    expect(events[1].data).toEqual({
      user_id: 'bob',
      email: UNREADABLE_VALUE,
      contacts: [{ phone: 'bob-phone' }],
      plan: 'free',
    });
  });

  it('does not open a value moved into another event type', async () => {
    const { reader, events } = await setUp();
    const values = await reader.openValues({
      eventType: 'com.example.other',
      values: [events[0].data.email],
    });
    expect(values).toEqual([{ state: 'unreadable' }]);
    expect(
      await reader.openValues({
        eventType: TYPE,
        values: [events[0].data.email, events[0].data.user_id],
      }),
    ).toEqual([{ value: 'alice@example.com' }, { value: 'alice' }]);
  });

  it('opens failed payloads, masks them for readers without the permission, and marks erased ones', async () => {
    const { reader, protector, keychain } = await setUp();
    const payloads = [
      JSON.stringify({
        id: 'f-1',
        type: TYPE,
        source: '//a',
        data: { user_id: 'alice', email: 'alice@x' },
        subject: 'alice',
      }),
      JSON.stringify({
        id: 'f-2',
        type: TYPE,
        source: '//a',
        data: { user_id: 'bob', email: 'bob@x' },
      }),
      'not json at all',
    ];
    const sealed = await protector.sealFailed(
      payloads.map((payload, index) => ({
        index,
        reason: 'r',
        payload,
        dataSubject: 'user_id',
      })),
    );
    const stored = sealed.map((s, i) => ({
      id: String(i),
      receivedAt: '2026-12-07T10:00:00.000Z',
      eventType: i === 2 ? undefined : TYPE,
      reason: 'r',
      payload: s!.payload,
      keyId: s!.keyId,
      payloadTruncated: false,
    }));
    const clear = await reader.revealFailedEvents(stored, () => 'clear');
    expect(clear.map(e => e.payload)).toEqual(payloads);
    expect(clear[0]).not.toHaveProperty('keyId');

    const masked = await reader.revealFailedEvents(stored, t =>
      t ? 'masked' : 'clear',
    );
    expect(JSON.parse(masked[0].payload)).toEqual({
      id: 'f-1',
      type: TYPE,
      source: '//a',
      data: { user_id: MASKED_VALUE, email: MASKED_VALUE },
      subject: MASKED_VALUE,
    });
    expect(masked[0].payloadMasked).toBe(true);
    expect(masked[2]).toMatchObject({ payload: 'not json at all' });
    const allMasked = await reader.revealFailedEvents(stored, () => 'masked');
    expect(allMasked[2].payload).toBe(MASKED_VALUE);

    await keychain.erase({ subject: 'alice', suppress: false });
    const after = await reader.openFailedPayloads(stored);
    expect(after[0].payload).toBe(ERASED_VALUE);
    expect(after[1].payload).toBe(payloads[1]);
  });
});
