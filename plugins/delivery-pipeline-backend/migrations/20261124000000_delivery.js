// @ts-check

/**
 * Delivery: what the completionist, deduper, SLA monitor and retention
 * record on each partition, and the log of what retention deleted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('partitions', table => {
    table
      .bigInteger('duplicates')
      .notNullable()
      .defaultTo(0)
      .comment('Events dropped as resends: same (source, id) and content');
    table
      .bigInteger('conflicts')
      .notNullable()
      .defaultTo(0)
      .comment(
        'Events dropped with the (source, id) of an earlier event but other content',
      );
    table
      .bigInteger('invalid')
      .notNullable()
      .defaultTo(0)
      .comment('Events of the type rejected by ingest during the partition');
    table
      .bigInteger('delivered')
      .nullable()
      .comment('Events in the delivered partition');
    table
      .bigInteger('client_delay_p50_ms')
      .nullable()
      .comment('Median of receive time minus the event time, delivered events');
    table.bigInteger('client_delay_p95_ms').nullable();
    table.bigInteger('client_delay_max_ms').nullable();
    table
      .string('delivery_owner', 64)
      .nullable()
      .comment('The deduper run delivering it now, if any');
    table
      .bigInteger('delivery_lease_expires_at')
      .nullable()
      .comment(
        'Until when delivery_owner holds it, in milliseconds since epoch; renewed while it works',
      );
    table
      .integer('delivery_attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Times the deduper started on it; more than 1 after a crash');
    table.timestamp('sla_breached_at', { useTz: true }).nullable();
    table
      .timestamp('sla_notified_at', { useTz: true })
      .nullable()
      .comment('When the owners were told of the breach, once');
    table
      .timestamp('sla_recovered_at', { useTz: true })
      .nullable()
      .comment('When a breached partition was delivered after all');
    table.timestamp('raw_deleted_at', { useTz: true }).nullable();
    table
      .timestamp('expired_at', { useTz: true })
      .nullable()
      .comment('When retention deleted the delivered partition');
  });

  await knex.schema.createTable('retention_deletions', table => {
    table.comment('What retention deleted, when and why');
    table.bigIncrements('id');
    table.string('event_type', 256).notNullable();
    table.timestamp('partition_start', { useTz: true }).notNullable();
    table.timestamp('partition_end', { useTz: true }).notNullable();
    table.string('kind', 16).notNullable().comment('raw or delivered');
    table.integer('files').notNullable();
    table.bigInteger('bytes').nullable().comment('When known');
    table.timestamp('deleted_at', { useTz: true }).notNullable();
    table.text('reason').notNullable();
    table.index(['event_type', 'deleted_at'], 'retention_deletions_type_idx');
    table.index(['deleted_at'], 'retention_deletions_time_idx');
  });

  await knex.schema.createTable('partition_exports', table => {
    table.comment('Progress of every exporter on every delivered partition');
    table.string('event_type', 256).notNullable();
    table.timestamp('partition_start', { useTz: true }).notNullable();
    table.string('exporter', 128).notNullable();
    table.timestamp('exported_at', { useTz: true }).nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.timestamp('next_attempt_at', { useTz: true }).nullable();
    table.primary(['event_type', 'partition_start', 'exporter']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('partition_exports');
  await knex.schema.dropTable('retention_deletions');
  await knex.schema.alterTable('partitions', table => {
    for (const column of [
      'duplicates',
      'conflicts',
      'invalid',
      'delivered',
      'client_delay_p50_ms',
      'client_delay_p95_ms',
      'client_delay_max_ms',
      'delivery_owner',
      'delivery_lease_expires_at',
      'delivery_attempts',
      'sla_breached_at',
      'sla_notified_at',
      'sla_recovered_at',
      'raw_deleted_at',
      'expired_at',
    ]) {
      table.dropColumn(column);
    }
  });
};
