// @ts-check

/**
 * Event types managed from files in their owners' repositories (the
 * `event-schemas/event-types` annotation): where each managed type's file
 * is and how its latest sync went, and the tree etag of every annotated
 * entity, so that an unchanged repository costs one conditional read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('event_types', table => {
    table
      .text('managed_by')
      .nullable()
      .comment(
        'JSON {entityRef, location, path} of the file managing the type',
      );
    table
      .text('last_sync')
      .nullable()
      .comment('JSON outcome of the latest sync of the file, refusal included');
  });
  await knex.schema.createTable('event_type_file_sources', table => {
    table.comment('Catalog entities that declare event type files');
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('The annotated entity');
    table
      .string('etag', 1024)
      .notNullable()
      .comment('Etag of the file tree as last synced');
    table
      .timestamp('synced_at', { useTz: true })
      .notNullable()
      .comment('When the tree was last synced');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_file_sources');
  await knex.schema.alterTable('event_types', table => {
    table.dropColumn('last_sync');
    table.dropColumn('managed_by');
  });
};
