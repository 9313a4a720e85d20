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
