// @ts-check

/**
 * The compatibility scope of each event type (ALL, or CONSUMERS: breaking
 * changes that no consumer reads are accepted), and on each version
 * accepted that way, what was waived and whom it was checked against.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('event_types', table => {
    table
      .string('compatibility_scope', 16)
      .notNullable()
      .defaultTo('ALL')
      .comment('ALL or CONSUMERS');
  });
  await knex.schema.alterTable('event_type_versions', table => {
    table
      .text('consumer_check')
      .nullable()
      .comment(
        'JSON: the problems waived under the CONSUMERS scope and the consumers checked',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('event_type_versions', table => {
    table.dropColumn('consumer_check');
  });
  await knex.schema.alterTable('event_types', table => {
    table.dropColumn('compatibility_scope');
  });
};
