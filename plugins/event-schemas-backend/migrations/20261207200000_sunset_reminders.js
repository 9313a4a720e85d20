// @ts-check

/**
 * The sunset reminders sent to the consumers of deprecated event types: one
 * row per type, sunset date, stage and recipient, so that each is sent once
 * across restarts and replicas. A new sunset date (the type deprecated again,
 * or its sunset moved) starts the stages over.
 *
 * The sunset date and the retirement themselves live in the type's
 * `deprecation` (JSON), next to the reason and the successor.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('event_type_sunset_reminders', table => {
    table.string('event_type', 128).notNullable();
    table
      .string('sunset_at', 64)
      .notNullable()
      .comment('The sunset date (ISO 8601) the reminder was about');
    table
      .string('stage', 32)
      .notNullable()
      .comment('P30D, P7D, P1D before the sunset, or retired');
    table
      .string('recipient', 255)
      .notNullable()
      .comment("Entity ref of the consumer's owner that was notified");
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['event_type', 'sunset_at', 'stage', 'recipient']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('event_type_sunset_reminders');
};
