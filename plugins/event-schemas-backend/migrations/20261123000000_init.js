// @ts-check

/**
 * The registry's tables: event types, their immutable numbered versions, and
 * the field names of each type's latest version (for "which types have a
 * field called user_id?").
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
    table.string('lifecycle').notNullable();
    table.text('tags').notNullable().comment('JSON array of strings');
    table.string('format', 16).notNullable().comment('jsonschema or avro');
    table.string('compatibility', 32).notNullable();
    table.string('retention_raw', 32).notNullable().comment('ISO 8601');
    table.string('retention_delivered', 32).notNullable().comment('ISO 8601');
    table.string('sla_max_lateness', 32).notNullable().comment('ISO 8601');
    table
      .text('personal_data_fields')
      .notNullable()
      .comment('JSON array of dotted field paths');
    table.integer('latest_version').notNullable();
    table.text('deprecation').nullable().comment('JSON Deprecation');
    table
      .timestamp('deleted_at', { useTz: true })
      .nullable()
      .comment('Soft delete: the name stays taken');
    table.string('created_by').notNullable();
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
      .string('fingerprint', 80)
      .notNullable()
      .comment('sha256 of the canonical schema');
    table.text('deprecation').nullable().comment('JSON Deprecation');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['event_type', 'version']);
    table.unique(['event_type', 'fingerprint'], {
      indexName: 'event_type_versions_fingerprint_idx',
    });
  });

  await knex.schema.createTable('event_type_fields', table => {
    table.comment('The fields of the latest version of each event type');
    table
      .string('event_type', 128)
      .notNullable()
      .references('name')
      .inTable('event_types')
      .onDelete('CASCADE');
    table.string('path', 1024).notNullable().comment('Dotted path, user.id');
    table.string('name', 255).notNullable().comment('Last segment of the path');
    table.index(['name'], 'event_type_fields_name_idx');
    table.index(['event_type'], 'event_type_fields_event_type_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_fields');
  await knex.schema.dropTable('event_type_versions');
  await knex.schema.dropTable('event_types');
};
