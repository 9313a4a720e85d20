// The pipeline's own database, read directly by the reliability tests for
// what the API does not show (delivery_attempts): PostgreSQL while the
// backends run, SQLite only while no backend runs (a reader must not hold
// locks a SIGKILLed backend's successor would wait for).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);
const pluginId = 'delivery-pipeline';

/** Why the PostgreSQL server cannot be used, or undefined when it can. */
export async function probePostgres(url) {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The PostgreSQL server the tests run on (TEST_POSTGRES_URL, or the local
 * one): `skip` says why a test is skipped off CI when there is none; in CI
 * the test runs and `assertAvailable` fails it.
 */
export async function testPostgres() {
  const url =
    process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const problem = await probePostgres(url);
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  return {
    url,
    skip:
      problem && !ci
        ? `no PostgreSQL server at ${url} (${problem}); set TEST_POSTGRES_URL to run it`
        : false,
    assertAvailable() {
      if (problem) {
        assert.fail(
          `CI needs a PostgreSQL server at ${url} (${problem}): start it, or set TEST_POSTGRES_URL.`,
        );
      }
    },
  };
}

/** Drops every database whose name starts with `prefix`. */
export async function dropDatabases(url, prefix) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
  } finally {
    await client.end();
  }
}

const PARTITION_COLUMNS =
  'event_type, start, "end", state, closed_at, delivered_at, delivery_attempts, received, duplicates, conflicts, delivered, raw_deleted_at';

const toRow = row => ({
  eventType: row.event_type,
  start: new Date(row.start).toISOString(),
  end: new Date(row.end).toISOString(),
  state: row.state,
  closedAt:
    row.closed_at === null ? undefined : new Date(row.closed_at).toISOString(),
  deliveredAt:
    row.delivered_at === null
      ? undefined
      : new Date(row.delivered_at).toISOString(),
  deliveryAttempts: Number(row.delivery_attempts),
  received: Number(row.received),
  duplicates: Number(row.duplicates),
  conflicts: Number(row.conflicts),
  delivered: row.delivered === null ? undefined : Number(row.delivered),
  rawDeletedAt:
    row.raw_deleted_at === null
      ? undefined
      : new Date(row.raw_deleted_at).toISOString(),
});

/**
 * The pipeline's database on PostgreSQL (Backstage names a plugin's
 * database `<prefix><pluginId>`), with `partitions(eventType)`.
 */
export async function connectPipelineDatabase(url, prefix) {
  const connection = new URL(url);
  connection.pathname = `/${prefix}${pluginId}`;
  const client = new pg.Client({ connectionString: connection.href });
  await client.connect();
  return {
    async partitions(eventType) {
      const { rows } = await client.query(
        `SELECT ${PARTITION_COLUMNS} FROM partitions WHERE event_type = $1 ORDER BY start`,
        [eventType],
      );
      return rows.map(toRow);
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}

/**
 * The partitions of a type in a stopped backend's SQLite database
 * (`backend.database.connection.directory`/delivery-pipeline.sqlite).
 */
export function readSqlitePartitions(directory, eventType) {
  const Database = require('better-sqlite3');
  // Not read-only: a SIGKILL may leave a hot journal, which only a writer
  // may roll back (as the next start of the backend would).
  const db = new Database(join(directory, `${pluginId}.sqlite`), {
    fileMustExist: true,
    timeout: 5000,
  });
  try {
    return db
      .prepare(
        `SELECT ${PARTITION_COLUMNS} FROM partitions WHERE event_type = ? ORDER BY start`,
      )
      .all(eventType)
      .map(toRow);
  } finally {
    db.close();
  }
}

const TASK_COLUMNS =
  'id, current_run_ticket, current_run_started_at, current_run_expires_at, next_run_start_at';

const toTask = row => ({
  id: row.id,
  ticket: row.current_run_ticket ?? undefined,
  startedAt: row.current_run_started_at
    ? new Date(row.current_run_started_at).toISOString()
    : undefined,
  expiresAt: row.current_run_expires_at
    ? new Date(row.current_run_expires_at).toISOString()
    : undefined,
  nextRunAt: row.next_run_start_at
    ? new Date(row.next_run_start_at).toISOString()
    : undefined,
});

/**
 * The scheduler's global tasks in the pipeline's database, one line each:
 * a task held by a SIGKILLed run stays held until its timeout.
 */
export function describeTasks(tasks) {
  return tasks
    .map(
      task =>
        `  ${task.id}: ${
          task.ticket
            ? `running since ${task.startedAt}, lock expires ${task.expiresAt}`
            : 'idle'
        }, next run ${task.nextRunAt}`,
    )
    .join('\n');
}

/** The scheduler's tasks on PostgreSQL. */
export async function readPostgresTasks(url, prefix) {
  const connection = new URL(url);
  connection.pathname = `/${prefix}${pluginId}`;
  const client = new pg.Client({ connectionString: connection.href });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT ${TASK_COLUMNS} FROM backstage_backend_tasks__tasks ORDER BY id`,
    );
    return rows.map(toTask);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The scheduler's tasks in a backend's SQLite database (read-only). */
export function readSqliteTasks(directory) {
  const Database = require('better-sqlite3');
  const db = new Database(join(directory, `${pluginId}.sqlite`), {
    readonly: true,
    fileMustExist: true,
    timeout: 5000,
  });
  try {
    return db
      .prepare(
        `SELECT ${TASK_COLUMNS} FROM backstage_backend_tasks__tasks ORDER BY id`,
      )
      .all()
      .map(toTask);
  } finally {
    db.close();
  }
}

/**
 * The exports of a type's partitions in a stopped backend's SQLite
 * database: `{ start, exporter, exportedAt, attempts }`.
 */
export function readSqliteExports(directory, eventType) {
  const Database = require('better-sqlite3');
  const db = new Database(join(directory, `${pluginId}.sqlite`), {
    fileMustExist: true,
    timeout: 5000,
  });
  try {
    return db
      .prepare(
        `SELECT partition_start, exporter, exported_at, attempts FROM partition_exports WHERE event_type = ? ORDER BY partition_start`,
      )
      .all(eventType)
      .map(row => ({
        start: new Date(row.partition_start).toISOString(),
        exporter: row.exporter,
        exportedAt:
          row.exported_at === null
            ? undefined
            : new Date(row.exported_at).toISOString(),
        attempts: Number(row.attempts),
      }));
  } finally {
    db.close();
  }
}
