import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { BigQuery, Table } from '@google-cloud/bigquery';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';
import {
  EventTypeReader,
  resolveReferencesThrough,
} from '@data-collection/plugin-event-schemas-node';
import { statusOf } from './errors';
import { retentionToMs } from './retention';
import {
  describeConflict,
  mergeSchema,
  SchemaConflict,
  schemaChanged,
} from './schemaMerge';
import {
  isPersonal,
  RECEIVED_AT_COLUMN,
  schemaToBigQuery,
} from './schemaMapping';
import { BigQueryField, TableMapping } from './types';

/** @public */
export type BigQueryTablesOptions = {
  bigquery: BigQuery;
  datasetId: string;
  /** Where the dataset is created, e.g. `US`, `EU`, `europe-west1`. */
  location: string;
  /**
   * The schema registry: the tables follow its latest versions, with the
   * versions they reference read through it too.
   */
  eventTypes: Pick<
    EventTypeReader,
    'getEventType' | 'getLatestVersion' | 'getVersion'
  >;
  /** See SchemaToBigQueryOptions.personalDataPolicyTag. */
  personalDataPolicyTag?: string;
  logger: LoggerService;
  /** Labels for the dataset and tables, besides `managed-by`. */
  labels?: Record<string, string>;
};

/**
 * A table ready for loads, and how to shape its rows.
 *
 * @public
 */
export type EnsuredTable = {
  eventType: string;
  tableId: string;
  /** The schema version its columns were last reconciled with. */
  version: number;
  mapping: TableMapping;
  /** The partition expiration set, undefined when partitions never expire. */
  expirationMs?: number;
};

/** Tables carry it so that BigQueryTables knows which ones are its own. */
const MANAGED_BY = { 'managed-by': 'backstage-delivery-pipeline' };
const DESCRIPTION_PREFIX = 'Delivered events of type ';
/** Attempts at a read-modify-write of a table before giving up. */
const MAX_ATTEMPTS = 5;

type TableResource = {
  etag?: string;
  description?: string;
  schema?: { fields?: BigQueryField[] };
  timePartitioning?: { type?: string; field?: string; expirationMs?: string };
};

/**
 * The dataset and one table per event type: created from the type's
 * latest schema, partitioned by hour of receive time, partitions expiring
 * after the type's delivered retention; brought up to date when a newer
 * schema adds fields or the retention changes.
 *
 * Replicas do this concurrently: a create that finds the table created
 * (409) reads it and carries on, and changes are patches conditional on
 * the table's etag, re-read and redone when another replica got there
 * first (412), so no replica's change overwrites another's.
 *
 * @public
 */
export class BigQueryTables {
  readonly #options: BigQueryTablesOptions;
  #dataset?: Promise<void>;
  /** Per event type: the last reconciled table, and its registry state. */
  readonly #known = new Map<string, { key: string; table: EnsuredTable }>();
  readonly #inFlight = new Map<string, Promise<EnsuredTable>>();

  constructor(options: BigQueryTablesOptions) {
    this.#options = options;
  }

  get datasetId(): string {
    return this.#options.datasetId;
  }

  get location(): string {
    return this.#options.location;
  }

  /**
   * Forgets what is known of a type's table, so that the next ensureTable
   * reads it again (after a failed load, say: it may have been dropped).
   */
  forget(eventType: string): void {
    this.#known.delete(eventType);
  }

  /** Creates the dataset unless it exists; once per process when it succeeds. */
  ensureDataset(): Promise<void> {
    if (!this.#dataset) {
      this.#dataset = this.#createDataset().catch(error => {
        this.#dataset = undefined;
        throw error;
      });
    }
    return this.#dataset;
  }

  /**
   * The table of an event type, created or brought up to date with the
   * registry's latest version and retention. Cheap when nothing changed:
   * one registry read. Rejects with a NotFoundError when the registry does
   * not know the type, and a ConflictError when the table exists but is
   * not one this module can load (partitioned otherwise, or another type's).
   */
  ensureTable(eventType: string): Promise<EnsuredTable> {
    const running = this.#inFlight.get(eventType);
    if (running) return running;
    const promise = this.#ensureTable(eventType).finally(() =>
      this.#inFlight.delete(eventType),
    );
    this.#inFlight.set(eventType, promise);
    return promise;
  }

  async #ensureTable(name: string): Promise<EnsuredTable> {
    await this.ensureDataset();
    const eventType = await this.#options.eventTypes.getEventType(name);
    if (!eventType) {
      throw new NotFoundError(
        `Event type ${name} is not in the schema registry; its table cannot be created or updated`,
      );
    }
    const key = JSON.stringify([
      eventType.latestVersion,
      eventType.retention?.delivered,
      eventType.personalDataFields,
      eventType.dataSubject,
      eventType.format,
    ]);
    const known = this.#known.get(name);
    if (known?.key === key) return known.table;

    const version = await this.#options.eventTypes.getLatestVersion(name);
    if (!version) {
      throw new NotFoundError(`Event type ${name} has no schema version`);
    }
    const table = await this.#reconcile(eventType, version);
    this.#known.set(name, { key, table });
    return table;
  }

  async #reconcile(
    eventType: EventType,
    version: EventTypeVersion,
  ): Promise<EnsuredTable> {
    const { logger } = this.#options;
    const mapping = schemaToBigQuery({
      format: eventType.format,
      // The columns of what the events hold, referenced versions included.
      schema: await resolveReferencesThrough({
        eventTypes: this.#options.eventTypes,
        format: eventType.format,
        schema: version.schema,
      }),
      personalDataFields: eventType.personalDataFields,
      dataSubject: eventType.dataSubject,
      personalDataPolicyTag: this.#options.personalDataPolicyTag,
    });
    for (const note of mapping.notes) {
      logger.info(
        `BigQuery table for ${eventType.name} version ${version.version}: ${note}`,
      );
    }
    const tableId = bigQueryTableId(eventType.name);
    const expirationMs = retentionToMs(eventType.retention?.delivered);
    const ensured: EnsuredTable = {
      eventType: eventType.name,
      tableId,
      version: version.version,
      mapping,
      expirationMs,
    };
    const table = this.#table(tableId);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const existing = await this.#get(table);
      if (!existing) {
        if (await this.#create(table, eventType, mapping, expirationMs)) {
          logger.info(
            `Created BigQuery table ${this.#options.datasetId}.${tableId} for ${
              eventType.name
            } version ${version.version}`,
          );
          return ensured;
        }
        continue; // another replica created it: reconcile with theirs
      }
      this.#checkOwnTable(existing, eventType.name, tableId);
      const patch = this.#patchFor(
        existing,
        mapping,
        expirationMs,
        eventType,
        tableId,
      );
      if (!patch) return ensured;
      if (await this.#patch(table, existing.etag, patch.body)) {
        logger.info(
          `Updated BigQuery table ${this.#options.datasetId}.${tableId} for ${
            eventType.name
          } version ${version.version}: ${patch.changes.join('; ')}`,
        );
        return ensured;
      }
      logger.debug(
        `BigQuery table ${tableId} changed while being updated; reading it again`,
      );
    }
    throw new ConflictError(
      `Could not update BigQuery table ${
        this.#options.datasetId
      }.${tableId}: it kept changing under ${MAX_ATTEMPTS} attempts`,
    );
  }

  #patchFor(
    existing: TableResource,
    mapping: TableMapping,
    expirationMs: number | undefined,
    eventType: EventType,
    tableId: string,
  ): { body: Record<string, unknown>; changes: string[] } | undefined {
    const body: Record<string, unknown> = {};
    const changes: string[] = [];
    const merge = mergeSchema(existing.schema?.fields ?? [], mapping.fields);
    const personal = merge.conflicts.filter(
      c => isPersonal(c.existing) || isPersonal(c.wanted),
    );
    if (personal.length > 0) {
      throw this.#personalDataConflict(eventType.name, tableId, personal);
    }
    for (const conflict of merge.conflicts) {
      this.#options.logger.warn(
        `BigQuery table for ${eventType.name}: ${describeConflict(
          conflict,
        )}. BigQuery cannot change a column's type; the column keeps its type and loads of values that do not fit it fail. Create a new event type for an incompatible change.`,
      );
    }
    if (schemaChanged(merge)) {
      body.schema = { fields: merge.fields };
      if (merge.added.length) changes.push(`added ${merge.added.join(', ')}`);
      if (merge.updated.length) {
        changes.push(`updated ${merge.updated.join(', ')}`);
      }
    }
    const current = existing.timePartitioning?.expirationMs;
    const currentMs =
      current === undefined || current === null ? undefined : Number(current);
    if ((currentMs || undefined) !== expirationMs) {
      // The API clears a field set to null in a patch; `type` and `field`
      // are sent unchanged (BigQuery refuses to change them).
      body.timePartitioning = {
        ...existing.timePartitioning,
        expirationMs: expirationMs === undefined ? null : String(expirationMs),
      };
      changes.push(
        `partition expiration ${describeMs(currentMs)} → ${describeMs(
          expirationMs,
        )}`,
      );
    }
    return changes.length > 0 ? { body, changes } : undefined;
  }

  /**
   * A type's personal data fields changed after its table was created: a
   * field became personal (its values are strings from now on) or stopped
   * being (its values have their own type again), and BigQuery cannot
   * change the column's type. Loading anyway would fail on every value, or
   * mix ciphertext and clear values in one column; refusing says why.
   */
  #personalDataConflict(
    eventType: string,
    tableId: string,
    conflicts: SchemaConflict[],
  ): ConflictError {
    const table = `${this.#options.datasetId}.${tableId}`;
    return new ConflictError(
      `BigQuery table ${table} cannot take the events of ${eventType}: its personal data fields changed since the table was created (${conflicts
        .map(describeConflict)
        .join(
          '; ',
        )}). Personal data is stored as a STRING (ciphertext, or the data subject's pseudonym) whatever the field's type, and BigQuery cannot change a column's type. Rename the table (or copy what you need and drop it): the next export attempt creates it anew and the waiting partitions load into it. Rows loaded before keep the values they had in the old table; clear personal values among them are out of reach of erasure, so delete them once copied.`,
    );
  }

  /** Refuses a table of another event type, or one partitioned otherwise. */
  #checkOwnTable(existing: TableResource, eventType: string, tableId: string) {
    // Our tables' descriptions start with a line naming their type; two
    // types whose names differ only by `.` against `_` map to one table id.
    const firstLine = (existing.description ?? '').split('\n')[0];
    if (
      firstLine.startsWith(DESCRIPTION_PREFIX) &&
      firstLine !== `${DESCRIPTION_PREFIX}${eventType}.`
    ) {
      throw new ConflictError(
        `BigQuery table ${
          this.#options.datasetId
        }.${tableId} holds another event type (${firstLine}); ${eventType} cannot share it`,
      );
    }
    const partitioning = existing.timePartitioning;
    if (
      partitioning?.type !== 'HOUR' ||
      partitioning.field !== RECEIVED_AT_COLUMN
    ) {
      throw new ConflictError(
        `BigQuery table ${
          this.#options.datasetId
        }.${tableId} exists but is not partitioned by hour on ${RECEIVED_AT_COLUMN}; delivered partitions cannot be loaded into it. Drop or rename it to let the pipeline create its own.`,
      );
    }
  }

  #table(tableId: string): Table {
    return this.#options.bigquery
      .dataset(this.#options.datasetId, { location: this.#options.location })
      .table(tableId, { location: this.#options.location });
  }

  async #get(table: Table): Promise<TableResource | undefined> {
    try {
      const [metadata] = await table.getMetadata();
      return metadata as TableResource;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** False when another replica created it first. */
  async #create(
    table: Table,
    eventType: EventType,
    mapping: TableMapping,
    expirationMs: number | undefined,
  ): Promise<boolean> {
    try {
      await table.dataset.createTable(table.id!, {
        schema: { fields: mapping.fields },
        timePartitioning: {
          type: 'HOUR',
          field: RECEIVED_AT_COLUMN,
          ...(expirationMs !== undefined
            ? { expirationMs: String(expirationMs) }
            : {}),
        },
        // Queries of one producer's events read only its blocks.
        clustering: { fields: ['source'] },
        labels: { ...this.#options.labels, ...MANAGED_BY },
        description: tableDescription(eventType),
      } as never);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  /** False when the table changed since it was read (412). */
  async #patch(
    table: Table,
    etag: string | undefined,
    body: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await new Promise<void>((resolve, reject) =>
        table.request(
          {
            method: 'PATCH',
            uri: '',
            json: body,
            headers: etag ? { 'If-Match': etag } : {},
          },
          error => (error ? reject(error) : resolve()),
        ),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }

  async #createDataset(): Promise<void> {
    const { bigquery, datasetId, location, labels } = this.#options;
    const dataset = bigquery.dataset(datasetId, { location });
    try {
      await dataset.getMetadata();
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    try {
      await bigquery.createDataset(datasetId, {
        location,
        labels: { ...labels, ...MANAGED_BY },
        description:
          'Delivered events of the Backstage delivery pipeline: one table per event type.',
      });
      this.#options.logger.info(
        `Created BigQuery dataset ${datasetId} in ${location}`,
      );
    } catch (error) {
      if (statusOf(error) !== 409) throw error; // 409: another replica did
    }
  }
}

function tableDescription(eventType: EventType): string {
  const about = [eventType.title, eventType.description]
    .filter(Boolean)
    .join(': ');
  const text = `${DESCRIPTION_PREFIX}${eventType.name}.${
    about ? `\n${about}` : ''
  }\nOwner: ${eventType.owner}. Loaded by the Backstage delivery pipeline.`;
  return text.slice(0, 16384);
}

function describeMs(ms: number | undefined): string {
  if (ms === undefined) return 'none';
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} days` : `${ms} ms`;
}
