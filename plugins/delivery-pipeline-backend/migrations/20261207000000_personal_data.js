// @ts-check

/**
 * Personal data: the keychain (one secret, wrapped by the key-encryption
 * key, and a key per data subject, wrapped by the secret), the receipts of
 * erasures, the people whose events are refused, and the key each failed
 * event's payload is sealed with.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('personal_data_keychain', table => {
    table.comment(
      'The keychain secret, wrapped by the key-encryption key; one row',
    );
    table.integer('id').primary();
    table.text('wrapped_secret').notNullable().comment('base64');
    table
      .string('kek_id', 512)
      .notNullable()
      .comment('The key-encryption key (version) that wrapped it');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('rewrapped_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('personal_data_keys', table => {
    table.comment(
      'A key per data subject (and one for failed events whose subject is unknown); deleting a row erases what it sealed',
    );
    table
      .string('key_id', 32)
      .primary()
      .comment('Random; named by every value it sealed; the pseudonym');
    table
      .string('owner', 64)
      .notNullable()
      .unique({ indexName: 'personal_data_keys_owner_idx' })
      .comment(
        "'s:' + keyed hash of the subject id (never the id itself), or 'failed-events'",
      );
    table
      .text('wrapped_key')
      .notNullable()
      .comment('Sealed by the keychain secret; base64url');
    table
      .text('sealed_subject')
      .nullable()
      .comment(
        'The subject id sealed by this key, for readers allowed to see it',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('data_subject_erasures', table => {
    table.comment('Receipts of erasures, by keyed hash of the subject id');
    table.string('owner', 64).primary();
    table.timestamp('erased_at', { useTz: true }).notNullable();
    table.string('erased_by', 256).nullable();
    table.integer('keys_deleted').notNullable();
    table.integer('failed_events_deleted').notNullable();
    table.boolean('suppressed').notNullable().defaultTo(false);
  });

  await knex.schema.createTable('data_subject_suppressions', table => {
    table.comment(
      'People whose events are refused after their erasure, by keyed hash',
    );
    table.string('owner', 64).primary();
    table.timestamp('suppressed_at', { useTz: true }).notNullable();
  });

  await knex.schema.alterTable('failed_events', table => {
    table
      .string('key_id', 32)
      .nullable()
      .comment(
        'The key that sealed the payload; null for payloads from before sealing',
      );
    table.index(['key_id'], 'failed_events_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('failed_events', table => {
    table.dropIndex(['key_id'], 'failed_events_key_idx');
    table.dropColumn('key_id');
  });
  await knex.schema.dropTable('data_subject_suppressions');
  await knex.schema.dropTable('data_subject_erasures');
  await knex.schema.dropTable('personal_data_keys');
  await knex.schema.dropTable('personal_data_keychain');
};
