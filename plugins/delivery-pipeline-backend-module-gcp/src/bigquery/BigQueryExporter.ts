import { LoggerService } from '@backstage/backend-plugin-api';
import type { BigQuery, Job } from '@google-cloud/bigquery';
import {
  DeliveredPartition,
  HOUR_MS,
  failpoint,
  PartitionExporter,
  PartitionStorage,
  spansWholeHours,
} from '@data-collection/plugin-delivery-pipeline-node';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  describeJobErrors,
  isQuotaError,
  JobErrorProto,
  statusOf,
} from './errors';
import { hourDecorator, loadJobIdFor } from './names';
import { toRow } from './rows';
import { RECEIVED_AT_COLUMN } from './schemaMapping';
import { BigQueryTables, EnsuredTable } from './tables';

/** Rows per chunk written to the upload. */
const CHUNK_BYTES = 1 << 20;
/**
 * Ids tried for one load before giving up: a failed job keeps its id
 * forever, so the retry of a failed load needs the next one.
 */
const MAX_JOB_GENERATIONS = 100;

/** @public */
export type BigQueryExporterOptions = {
  bigquery: BigQuery;
  tables: BigQueryTables;
  /** Where the delivered partitions are: the files are read from it. */
  storage: PartitionStorage;
  logger: LoggerService;
  /** Between polls of a running job. Default 2 seconds. */
  pollIntervalMs?: number;
  /**
   * Longest wait for a job. The export then rejects and is retried later,
   * when it finds the same job by its id and waits again. Default 10
   * minutes, below the ExportRunner's 15-minute claim.
   */
  jobTimeoutMs?: number;
};

/** A span of the partition loaded by one job. */
type Slot = {
  start: number;
  end: number;
  /** Loaded into its own hour partition, replacing it. */
  replacesHour: boolean;
};

type JobMetadata = {
  status?: {
    state?: string;
    errorResult?: JobErrorProto;
    errors?: JobErrorProto[];
  };
  statistics?: { load?: { outputRows?: string } };
};

/**
 * Loads every delivered partition into the event type's BigQuery table
 * with load jobs (free, unlike streaming inserts), one per hour.
 *
 * Exactly once: the job id is derived from the event type, the hour and
 * the partition's checksum, so a retry after a crash or a timeout finds
 * the job of the attempt before (jobs.get, or 409 from jobs.insert) and
 * waits for it instead of loading again. A one-hour partition is loaded
 * into the table's hour partition (`table$YYYYMMDDHH`) with WRITE_TRUNCATE,
 * so a partition delivered again with other content (another checksum,
 * another job id) replaces the hour instead of adding to it; the
 * replacement is atomic, readers see the old rows or the new ones.
 *
 * The lines are uploaded in the table's row shape rather than loaded from
 * the files where they lie; docs/bigquery-types.md says why.
 *
 * @public
 */
export class BigQueryExporter implements PartitionExporter {
  readonly name = 'bigquery';
  readonly #options: BigQueryExporterOptions;

  constructor(options: BigQueryExporterOptions) {
    this.#options = options;
  }

  async export(partition: DeliveredPartition): Promise<void> {
    const { tables } = this.#options;
    const table = await tables.ensureTable(partition.eventType);
    if (partition.files.length === 0) {
      // Delivered empty (no event was received in its window): no rows to
      // load, and no job, so a quiet type costs nothing here; its table
      // exists and the hour holds nothing.
      return;
    }
    try {
      for (const slot of slotsOf(partition)) {
        await this.#load(partition, table, slot);
      }
    } catch (error) {
      // The table may have been changed or dropped behind our back: look
      // at it again on the next attempt rather than trusting the cache.
      tables.forget(partition.eventType);
      throw error;
    }
  }

  async #load(partition: DeliveredPartition, table: EnsuredTable, slot: Slot) {
    const baseId = loadJobIdFor({
      datasetId: this.#options.tables.datasetId,
      eventType: partition.eventType,
      start: slot.start,
      checksum: partition.checksum,
    });
    for (let generation = 0; generation < MAX_JOB_GENERATIONS; generation++) {
      const jobId = generation === 0 ? baseId : `${baseId}_r${generation}`;
      const found = await this.#getJob(jobId);
      if (found?.status?.state === 'DONE' && found.status.errorResult) {
        // Failed in an earlier attempt. A failed load loaded nothing (loads
        // are atomic), but its id stays taken: the retry is the next id.
        continue;
      }
      if (!found) {
        try {
          await this.#insert(jobId, partition, table, slot);
        } catch (error) {
          // 409: an earlier attempt's request got through after all, or
          // another replica exports the same partition: wait for that job.
          // Otherwise the job may still exist (a failure reported by the
          // insert's answer, a response lost on the way): its own status
          // says more than the request's error.
          if (statusOf(error) !== 409 && !(await this.#exists(jobId))) {
            throw this.#explain(error, jobId, table);
          }
        }
        failpoint('bigquery.after-job-insert');
      }
      const done = await this.#wait(jobId);
      const { errorResult, errors } = done.status ?? {};
      if (errorResult) {
        throw new Error(
          `BigQuery load job ${jobId} into ${
            table.tableId
          } failed: ${describeJobErrors(errorResult, errors)}`,
        );
      }
      this.#loaded(partition, table, slot, jobId, done);
      return;
    }
    throw new Error(
      `BigQuery load of ${partition.eventType} ${new Date(
        slot.start,
      ).toISOString()} failed ${MAX_JOB_GENERATIONS} times; see the jobs ${baseId}*`,
    );
  }

  /** The job's metadata; undefined when there is no such job. */
  async #getJob(jobId: string): Promise<JobMetadata | undefined> {
    try {
      const [metadata] = await this.#job(jobId).getMetadata();
      return metadata as JobMetadata;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async #exists(jobId: string): Promise<boolean> {
    try {
      return (await this.#getJob(jobId)) !== undefined;
    } catch {
      return false;
    }
  }

  #job(jobId: string): Job {
    return this.#options.bigquery.job(jobId, {
      location: this.#options.tables.location,
    });
  }

  /** Uploads the slot's rows as a load job. */
  async #insert(
    jobId: string,
    partition: DeliveredPartition,
    table: EnsuredTable,
    slot: Slot,
  ): Promise<void> {
    const { bigquery, tables } = this.#options;
    const destination = bigquery
      .dataset(tables.datasetId, { location: tables.location })
      .table(
        slot.replacesHour
          ? hourDecorator(table.tableId, slot.start)
          : table.tableId,
        { location: tables.location },
      );
    // createWriteStream_ is what the client's own createLoadJob(file) uses:
    // it resolves with the job once inserted. The public createWriteStream
    // also holds the stream open until the job completes, polling it on
    // its own every 500 ms and failing the stream on a job error; this
    // exporter polls and reports itself, with its own deadline.
    const upload = destination.createWriteStream_({
      jobId,
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      // The hour's rows replace what it held: a redelivered partition
      // takes the place of the first delivery. A span narrower than an
      // hour shares its hour with the others, so it is appended.
      writeDisposition: slot.replacesHour ? 'WRITE_TRUNCATE' : 'WRITE_APPEND',
      createDisposition: 'CREATE_NEVER',
      // Rows are built from the table's own columns: an unknown value is a
      // bug to hear about, not data to drop.
      ignoreUnknownValues: false,
      maxBadRecords: 0,
    } as never);
    const created = once(upload, 'job');
    await Promise.all([
      pipeline(Readable.from(this.#rows(partition, table, slot)), upload),
      created,
    ]);
  }

  /** The slot's rows as NDJSON, in chunks. */
  async *#rows(
    partition: DeliveredPartition,
    table: EnsuredTable,
    slot: Slot,
  ): AsyncGenerator<Buffer> {
    const { storage } = this.#options;
    const whole = slot.start === partition.start && slot.end === partition.end;
    let chunk: string[] = [];
    let size = 0;
    for (const file of partition.files) {
      const gzipped = await storage.read(file.path);
      const lines = createInterface({
        input: Readable.from([gzipped]).pipe(createGunzip()),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const row = toRow(line, table.mapping.data);
        if (!whole) {
          const at = Date.parse(String(row[RECEIVED_AT_COLUMN]));
          if (!(at >= slot.start && at < slot.end)) continue;
        }
        const text = JSON.stringify(row);
        chunk.push(text);
        size += text.length + 1;
        if (size >= CHUNK_BYTES) {
          yield Buffer.from(`${chunk.join('\n')}\n`);
          chunk = [];
          size = 0;
        }
      }
    }
    if (chunk.length > 0) {
      yield Buffer.from(`${chunk.join('\n')}\n`);
    }
  }

  /** Polls the job until it is done; rejects after the timeout. */
  async #wait(jobId: string): Promise<JobMetadata> {
    const pollIntervalMs = this.#options.pollIntervalMs ?? 2000;
    const deadline = Date.now() + (this.#options.jobTimeoutMs ?? 600_000);
    for (;;) {
      const metadata = await this.#getJob(jobId);
      if (!metadata) {
        throw new Error(`BigQuery load job ${jobId} has disappeared`);
      }
      if (metadata.status?.state === 'DONE') return metadata;
      if (Date.now() + pollIntervalMs > deadline) {
        throw new Error(
          `BigQuery load job ${jobId} is still ${
            metadata.status?.state ?? 'pending'
          }; the next attempt waits for it again`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, pollIntervalMs));
    }
  }

  #loaded(
    partition: DeliveredPartition,
    table: EnsuredTable,
    slot: Slot,
    jobId: string,
    done: JobMetadata,
  ) {
    const rows = Number(done.statistics?.load?.outputRows ?? NaN);
    const whole = slot.start === partition.start && slot.end === partition.end;
    if (whole && Number.isFinite(rows) && rows !== partition.events) {
      this.#options.logger.warn(
        `BigQuery load job ${jobId} loaded ${rows} rows of ${
          partition.eventType
        } ${new Date(slot.start).toISOString()}, but the partition has ${
          partition.events
        } events`,
      );
    }
    this.#options.logger.info(
      `Loaded ${Number.isFinite(rows) ? rows : 'the'} rows of ${
        partition.eventType
      } ${new Date(slot.start).toISOString()} into ${
        this.#options.tables.datasetId
      }.${table.tableId} (job ${jobId})`,
    );
  }

  /** Errors with what was being done, and whether waiting helps. */
  #explain(error: unknown, jobId: string, table: EnsuredTable): Error {
    const message = (error as Error)?.message ?? String(error);
    const hint = isQuotaError(error)
      ? ' (a BigQuery quota or rate limit; retried later)'
      : '';
    const wrapped = new Error(
      `Could not start BigQuery load job ${jobId} into ${table.tableId}: ${message}${hint}`,
    );
    (wrapped as { cause?: unknown }).cause = error;
    return wrapped;
  }
}

/**
 * The spans loaded by one job each. A partition of whole hours is loaded
 * hour by hour, each replacing its hour partition of the table; a narrower
 * one (widths below an hour are for tests and demos) is appended, since its
 * hour partition holds its neighbours too.
 */
export function slotsOf(partition: DeliveredPartition): Slot[] {
  const { start, end } = partition;
  if (!spansWholeHours(start, end - start)) {
    return [{ start, end, replacesHour: false }];
  }
  const slots: Slot[] = [];
  for (let hour = start; hour < end; hour += HOUR_MS) {
    slots.push({ start: hour, end: hour + HOUR_MS, replacesHour: true });
  }
  return slots;
}
