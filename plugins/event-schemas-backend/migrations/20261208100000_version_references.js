// @ts-check

/**
 * The registered versions that each version's schema references (a JSON
 * Schema `$ref` to `<registry>/event-types/<name>/versions/<n>`), written
 * with the version, so that a referenced version is not deleted from under
 * the schemas that use it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('event_type_version_references', table => {
    table.comment(
      'References between registered versions: (event_type, version) references (referenced_type, referenced_version)',
    );
    table.string('event_type', 128).notNullable();
    table.integer('version').notNullable();
    table.string('referenced_type', 128).notNullable();
    table.integer('referenced_version').notNullable();
    table.primary([
      'event_type',
      'version',
      'referenced_type',
      'referenced_version',
    ]);
    table
      .foreign(['event_type', 'version'])
      .references(['event_type', 'version'])
      .inTable('event_type_versions');
    table.index(
      ['referenced_type', 'referenced_version'],
      'event_type_version_references_referenced_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_version_references');
};
