import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseFailedEventStore } from '../database/DatabaseFailedEventStore';
import {
  closeMemoryDatabases,
  testKeychain,
} from './__testUtils__/testKeychain';
import { PersonalDataProtector } from './PersonalDataProtector';
import { PersonalDataReader } from './PersonalDataReader';
import { sealUnsealedFailedEvents } from './sealUnsealedFailedEvents';

afterEach(closeMemoryDatabases);

describe('sealUnsealedFailedEvents', () => {
  it('seals the payloads kept in clear before sealing existed, once', async () => {
    const { keychain, db } = await testKeychain();
    const failedEvents = new DatabaseFailedEventStore(db);
    const payloads = ['{"data":{"email":"a@b.c"}}', 'not json'];
    for (const payload of payloads) {
      await db('failed_events').insert({
        received_at: new Date(),
        reason: 'r',
        payload,
        payload_truncated: false,
      });
    }
    const protector = new PersonalDataProtector({ keychain });
    const logger = mockServices.logger.mock();

    expect(
      await sealUnsealedFailedEvents({ failedEvents, protector, logger }),
    ).toBe(2);
    expect(
      await sealUnsealedFailedEvents({ failedEvents, protector, logger }),
    ).toBe(0);
    expect(JSON.stringify(await db('failed_events').select())).not.toContain(
      'a@b.c',
    );
    const stored = (await failedEvents.list({ limit: 10 })).items;
    const opened = await new PersonalDataReader({
      keychain,
    }).openFailedPayloads(stored);
    expect(opened.map(e => e.payload).sort()).toEqual([...payloads].sort());
  });
});
