// @ts-check

/**
 * The database transport: accepted events waiting for the consumer, one row
 * per publish call and event type, with the lease of whoever claimed them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('transport_chunks', table => {
    table.comment(
      'Accepted events not yet acknowledged by the consumer, one row per publish call and event type',
    );
    table.bigIncrements('id');
    table.string('event_type', 255).notNullable();
    table
      .integer('event_count')
      .notNullable()
      .comment('Number of events, which is the number of lines');
    table
      .integer('bytes')
      .notNullable()
      .comment('UTF-8 bytes of the lines, separators not counted');
    table
      .bigInteger('min_received_at')
      .notNullable()
      .comment('Receive time of the oldest event, in milliseconds since epoch');
    table
      .text('received_offsets')
      .nullable()
      .comment(
        'Receive time of each event as milliseconds after min_received_at, comma separated; null when all equal',
      );
    table
      .text('lines')
      .notNullable()
      .comment('The events as lines of JSON, joined by newlines');
    table
      .string('claim_id', 64)
      .nullable()
      .comment('The claim holding the events, null when free');
    table
      .bigInteger('lease_expires_at')
      .nullable()
      .comment(
        'When the claim stops holding them, in milliseconds since epoch',
      );
    table.index(['min_received_at', 'id'], 'transport_chunks_age_idx');
    table.index(['claim_id'], 'transport_chunks_claim_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('transport_chunks');
};
