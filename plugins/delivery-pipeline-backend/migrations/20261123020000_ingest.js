// @ts-check

/**
 * Ingest and the consumer: rejected events with their reasons, the raw files
 * every partition is made of, and how far the consumer has got.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('failed_events', table => {
    table.comment('Events ingest rejected, kept with the reason for replay');
    table.bigIncrements('id');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table
      .string('event_type', 256)
      .nullable()
      .comment('The CloudEvents type, when the event had one');
    table.text('source').nullable();
    table.text('event_id').nullable();
    table.text('reason').notNullable();
    table.text('payload').notNullable().comment('As received, cut to a limit');
    table.boolean('payload_truncated').notNullable().defaultTo(false);
    table
      .string('producer', 256)
      .nullable()
      .comment('Subject of the credentials that sent it');
    table.timestamp('replayed_at', { useTz: true }).nullable();
    table.index(['event_type', 'received_at'], 'failed_events_type_time_idx');
    table.index(['received_at'], 'failed_events_time_idx');
  });

  await knex.schema.createTable('raw_files', table => {
    table.comment('Files of raw partitions, written by the consumer');
    table.string('path', 1024).primary();
    table.string('event_type', 256).notNullable();
    table.timestamp('partition_start', { useTz: true }).notNullable();
    table.integer('events').notNullable();
    table.bigInteger('bytes').notNullable();
    table.timestamp('written_at', { useTz: true }).notNullable();
    table.index(['event_type', 'partition_start'], 'raw_files_partition_idx');
  });

  await knex.schema.createTable('consumer_progress', table => {
    table.comment(
      'Everything received before the watermark is in raw partitions',
    );
    table.string('transport', 64).primary();
    table.timestamp('watermark', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('consumer_progress');
  await knex.schema.dropTable('raw_files');
  await knex.schema.dropTable('failed_events');
};
