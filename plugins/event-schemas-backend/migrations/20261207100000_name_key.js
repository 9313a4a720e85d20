// @ts-check

/**
 * The key of each event type's name (eventTypeNameKey: lower case, `.` as
 * `_`), under which storage may fold two names into one folder or table.
 * The registry refuses a new name whose key is taken. The index is not
 * unique so that a registry that already holds two such names still starts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('event_types', table => {
    table
      .string('name_key', 128)
      .nullable()
      .comment('Lower-cased name with . as _, shared by colliding names');
  });
  const rows = await knex('event_types').select('name');
  for (const { name } of rows) {
    await knex('event_types')
      .where({ name })
      .update({ name_key: String(name).toLowerCase().replace(/\./g, '_') });
  }
  await knex.schema.alterTable('event_types', table => {
    table.index(['name_key'], 'event_types_name_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('event_types', table => {
    table.dropIndex(['name_key'], 'event_types_name_key_idx');
    table.dropColumn('name_key');
  });
};
