import { LoggerService } from '@backstage/backend-plugin-api';
import { FailedEventStore } from '../database/FailedEventStore';
import { PersonalDataProtector } from './PersonalDataProtector';

const BATCH = 500;

/**
 * Seals the payloads of failed events kept before payloads were sealed
 * (with the failed-events store's key: their data subjects are not known).
 * Run at start-up; a second replica doing the same at once only repeats
 * work (a row is sealed once).
 */
export async function sealUnsealedFailedEvents(options: {
  failedEvents: FailedEventStore;
  protector: PersonalDataProtector;
  logger: LoggerService;
}): Promise<number> {
  const { failedEvents, protector, logger } = options;
  let sealed = 0;
  for (;;) {
    const batch = await failedEvents.listUnsealed(BATCH);
    if (batch.length === 0) break;
    const payloads = await protector.sealFailed(
      batch.map(event => ({ index: 0, reason: '', payload: event.payload })),
    );
    for (let i = 0; i < batch.length; i++) {
      // Without a data subject, every payload gets the store's key.
      await failedEvents.markSealed({ id: batch[i].id, ...payloads[i]! });
    }
    sealed += batch.length;
  }
  if (sealed > 0) {
    logger.info(`Sealed the payloads of ${sealed} failed events kept in clear`);
  }
  return sealed;
}
