import { Knex } from 'knex';
import { DatabaseCompletionStore } from '../DatabaseCompletionStore';
import { DatabaseConsumerStore } from '../DatabaseConsumerStore';
import { DatabaseDedupeStore } from '../DatabaseDedupeStore';
import { DatabaseExportStore } from '../DatabaseExportStore';
import { DatabasePartitionReadStore } from '../DatabasePartitionReadStore';
import { migrateDatabase } from '../migrateDatabase';

/**
 * Every stage's store of the partitions on one migrated test database, so a
 * test can play the stages before and after the one it tests.
 */
export async function createPartitionStores(knex: Knex) {
  await migrateDatabase({ getClient: async () => knex });
  return {
    consumer: new DatabaseConsumerStore(knex),
    completion: new DatabaseCompletionStore(knex),
    dedupe: new DatabaseDedupeStore(knex),
    exports: new DatabaseExportStore(knex),
    reader: new DatabasePartitionReadStore(knex),
  };
}

/** Hour `h` of the tests' day, 2026-11-23, UTC. */
export const hour = (h: number) => new Date(Date.UTC(2026, 10, 23, h));

/** A raw file of 10 events that the consumer wrote into hour `h`. */
export const rawFile = (eventType: string, h: number, name: string) => ({
  path: `raw/${eventType}/2026-11-23/${h}/${name}.ndjson.gz`,
  eventType,
  partitionStart: hour(h).getTime(),
  partitionEnd: hour(h + 1).getTime(),
  events: 10,
  bytes: 1000,
});
