// @ts-check

/**
 * Quiet partitions: how far the completionist has opened each registered
 * event type's partitions (windows with no events get a partition too, so
 * they close and are delivered empty), and the time before which it opens
 * none (the pipeline's first run, so an install does not backfill years).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('partition_openings', table => {
    table.comment(
      'Per event type: partitions exist for every window that ended by opened_until (owned by the completionist)',
    );
    table.string('event_type', 128).primary();
    table
      .timestamp('opened_until', { useTz: true })
      .notNullable()
      .comment('End of the last window the completionist opened');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('partition_opening_floor', table => {
    table.comment(
      'One row: when the completionist first opened partitions; none are opened for earlier windows',
    );
    table.integer('id').primary();
    table.timestamp('floor', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('partition_opening_floor');
  await knex.schema.dropTable('partition_openings');
};
