// @ts-check

/**
 * Partitions: one row per event type per hour of receive time, with the
 * counters and timestamps the completionist, deduper and lateness monitor
 * move forward.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('partitions', table => {
    table.comment('Hourly partitions of received events, per event type');
    table.string('event_type', 128).notNullable();
    table.timestamp('start', { useTz: true }).notNullable();
    table.timestamp('end', { useTz: true }).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .defaultTo('open')
      .comment('open, closed, delivered or expired');
    table.bigInteger('received').notNullable().defaultTo(0);
    table.bigInteger('bytes').notNullable().defaultTo(0);
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.timestamp('delivered_at', { useTz: true }).nullable();
    table.primary(['event_type', 'start']);
    table.index(['state', 'end'], 'partitions_state_end_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('partitions');
};
