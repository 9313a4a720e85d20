// @ts-check

/**
 * The data subject of each event type: the dotted path of the string field
 * naming the person an event is about, set whenever the type has personal
 * data fields.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('event_types', table => {
    table
      .string('data_subject', 1024)
      .nullable()
      .comment('Dotted path of the data subject field, user.id');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('event_types', table => {
    table.dropColumn('data_subject');
  });
};
