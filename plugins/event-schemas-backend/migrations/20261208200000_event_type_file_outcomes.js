// @ts-check

/**
 * What the latest sync of each annotated entity did, file by file, so that
 * its owners can see every refusal (not only those of managed types) and
 * are told about each one once, not on every run. A source is recorded
 * from its first sync on, a failed one included, hence the nullable etag.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('event_type_file_sources', table => {
    table.string('etag', 1024).nullable().alter();
    table
      .text('location')
      .nullable()
      .comment('URL of the directory the annotation names, once resolved');
    table
      .string('status', 16)
      .nullable()
      .comment('synced, unchanged or failed: the latest sync of the source');
    table
      .text('error')
      .nullable()
      .comment('Why the latest sync failed, when it did');
    table
      .timestamp('last_sync_at', { useTz: true })
      .nullable()
      .comment('When the source was last synced, whatever the outcome');
  });
  await knex.schema.createTable('event_type_file_outcomes', table => {
    table.comment(
      'The outcome of each event type file of a source at its latest read',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .references('entity_ref')
      .inTable('event_type_file_sources')
      .onDelete('CASCADE');
    table.string('path', 1024).notNullable().comment('Path in the directory');
    table
      .string('event_type', 255)
      .nullable()
      .comment('The name the file declares, when it could be read');
    table
      .string('outcome', 16)
      .notNullable()
      .comment('created, updated, unchanged or refused');
    table
      .text('reasons')
      .notNullable()
      .comment('JSON array of why the file was refused; empty otherwise');
    table
      .string('refusal_key', 64)
      .nullable()
      .comment('Identifies a refusal, so that owners are told once about it');
    table.timestamp('synced_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'path']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_file_outcomes');
  await knex.schema.alterTable('event_type_file_sources', table => {
    table.dropColumn('last_sync_at');
    table.dropColumn('error');
    table.dropColumn('status');
    table.dropColumn('location');
  });
};
