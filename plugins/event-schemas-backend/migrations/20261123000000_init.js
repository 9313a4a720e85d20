// @ts-check

/**
 * The registry's tables: an event type and its immutable, numbered versions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('event_types', table => {
    table.comment('Registered event types, one row per CloudEvents type');
    table.string('name', 128).primary().notNullable();
    table.string('title').nullable();
    table.text('description').nullable();
    table.string('owner').notNullable().comment('Catalog group ref');
    table.string('lifecycle').notNullable().defaultTo('experimental');
    table.string('format', 16).notNullable().comment('jsonschema or avro');
    table.string('compatibility', 32).notNullable().defaultTo('BACKWARD');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['owner'], 'event_types_owner_idx');
  });

  await knex.schema.createTable('event_type_versions', table => {
    table.comment(
      'Immutable schema versions of an event type, numbered from 1',
    );
    table
      .string('event_type', 128)
      .notNullable()
      .references('name')
      .inTable('event_types')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table.text('schema').notNullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('sha256 of the canonical schema');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['event_type', 'version']);
    table.unique(['event_type', 'fingerprint'], {
      indexName: 'event_type_versions_fingerprint_idx',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_versions');
  await knex.schema.dropTable('event_types');
};
