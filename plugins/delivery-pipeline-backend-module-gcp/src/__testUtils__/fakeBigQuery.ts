import { BigQuery } from '@google-cloud/bigquery';
import { http, HttpHandler, HttpResponse } from 'msw';
import { googleErrorResponse } from './googleError';
import { gunzipSync } from 'node:zlib';
import { testAuthClient } from './testAuth';

/**
 * A stateful fake of the BigQuery REST API v2, the part the warehouse
 * uses: datasets insert/get, tables insert/get/patch/update (with etags),
 * load jobs inserted as JSON (`gs://` sources read through `readObject`)
 * or uploaded (`/upload/bigquery/v2/.../jobs?uploadType=multipart`), and
 * jobs get. Loads really load: rows are checked against the table's schema
 * and kept per partition, with WRITE_TRUNCATE / WRITE_APPEND / WRITE_EMPTY
 * semantics on the table or on a partition decorator (`table$YYYYMMDDHH`).
 *
 * Handlers match on the path only, so the same fake answers a client
 * pointed at `https://bigquery.googleapis.com` through msw or at a
 * `serveHandlers` URL in another process.
 */
export class FakeBigQuery {
  readonly #datasets = new Map<string, Resource>();
  readonly #tables = new Map<string, FakeTable>();
  readonly #jobs = new Map<string, Resource>();
  /** Jobs reported RUNNING until polled `runningPolls` times. */
  readonly #pending = new Map<
    string,
    { outcome: LoadOutcome; pollsLeft: number }
  >();
  readonly #faults: Fault[] = [];
  readonly #jobFaults: JobFault[] = [];
  readonly #readObject?: (uri: string) => Promise<Buffer | undefined>;
  #etags = 0;
  /** Every request, as `METHOD /path`, for assertions. */
  readonly requests: string[] = [];
  readonly #routes: Array<{
    methods: string[];
    path: RegExp;
    answer(
      params: string[],
      request: Request,
      url: URL,
    ): Response | Promise<Response>;
  }> = [
    {
      methods: ['POST'],
      path: /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/,
      answer: ([p], request, url) => this.#upload(p, request, url),
    },
    {
      methods: ['POST'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/,
      answer: async ([p], request) =>
        this.#insertDataset(p, await request.json()),
    },
    {
      methods: ['GET'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)$/,
      answer: ([p, d]) => this.#getDataset(p, d),
    },
    {
      methods: ['POST'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/,
      answer: async ([p, d], request) =>
        this.#insertTable(p, d, await request.json()),
    },
    {
      methods: ['GET'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/,
      answer: ([p, d, t]) => this.#getTable(p, d, t),
    },
    {
      methods: ['PATCH', 'PUT'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/,
      answer: async ([p, d, t], request) =>
        this.#patchTable(p, d, t, request, await request.json()),
    },
    {
      methods: ['POST'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/,
      answer: async ([p], request) =>
        this.#insertJob(p, await request.json(), async () => undefined),
    },
    {
      methods: ['GET'],
      path: /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/,
      answer: ([p, j]) => this.#getJob(p, j),
    },
  ];
  /** How many `jobs.get` answers say RUNNING before DONE, per job. */
  runningPolls = 0;

  constructor(
    options: {
      /** Reads a `gs://bucket/object` source of a load job. */
      readObject?: (uri: string) => Promise<Buffer | undefined>;
    } = {},
  ) {
    this.#readObject = options.readObject;
  }

  /**
   * Answers the next `times` requests that match with an error, the way
   * Google does: `{"error": {"code", "message", "status", "errors": [{reason}]}}`.
   * E.g. `{ status: 403, reason: 'quotaExceeded' }`, `{ status: 503 }`.
   */
  failNext(
    matcher: { method?: string; path?: RegExp },
    fault: {
      status: number;
      reason?: string;
      message?: string;
      times?: number;
    },
  ): void {
    this.#faults.push({ matcher, ...fault, times: fault.times ?? 1 });
  }

  /**
   * Makes the next `times` load jobs accepted but failed: DONE with this
   * `errorResult`, nothing loaded (as a job that hit bad data or an
   * internal error).
   */
  failNextJob(
    errorResult: { reason: string; message: string; location?: string },
    times = 1,
  ): void {
    this.#jobFaults.push({ errorResult, times });
  }

  /** Forgets faults not yet used up, e.g. between tests. */
  clearFaults(): void {
    this.#faults.length = 0;
    this.#jobFaults.length = 0;
  }

  dataset(projectId: string, datasetId: string): Resource | undefined {
    return this.#datasets.get(`${projectId}:${datasetId}`);
  }

  table(projectId: string, datasetId: string, tableId: string) {
    return this.#tables.get(`${projectId}:${datasetId}.${tableId}`)?.resource;
  }

  job(projectId: string, jobId: string): Resource | undefined {
    return this.#jobs.get(`${projectId}:${jobId}`);
  }

  /** Every job, in the order they were inserted. */
  jobs(): Resource[] {
    return [...this.#jobs.values()];
  }

  /** Rows of a table: of one partition (`YYYYMMDDHH`), or all of them. */
  rows(
    projectId: string,
    datasetId: string,
    tableId: string,
    partitionId?: string,
  ): Row[] {
    const table = this.#tables.get(`${projectId}:${datasetId}.${tableId}`);
    if (!table) return [];
    if (partitionId !== undefined) {
      return [...(table.partitions.get(partitionId) ?? [])];
    }
    return [...table.partitions.keys()]
      .sort()
      .flatMap(id => table.partitions.get(id)!);
  }

  /** The partition ids of a table that hold rows. */
  partitions(projectId: string, datasetId: string, tableId: string): string[] {
    const table = this.#tables.get(`${projectId}:${datasetId}.${tableId}`);
    return table
      ? [...table.partitions.keys()]
          .filter(id => table.partitions.get(id)!.length > 0)
          .sort()
      : [];
  }

  /** Changes a table behind the client's back (a new etag), as another replica would. */
  touchTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    change: Resource = {},
  ): void {
    const table = this.#tables.get(`${projectId}:${datasetId}.${tableId}`);
    if (!table) throw new Error(`No table ${tableId}`);
    table.resource = mergePatch(table.resource, change) as Resource;
    table.resource.etag = this.#etag();
  }

  handlers(): HttpHandler[] {
    return [http.all('*', ({ request }) => this.#handle(request))];
  }

  async #handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    const method = request.method.toUpperCase();
    if (
      !path.startsWith('/bigquery/v2/') &&
      !path.startsWith('/upload/bigquery/v2/')
    ) {
      return undefined; // not ours: let other fakes answer
    }
    this.requests.push(`${method} ${path}`);
    const fault = this.#takeFault(method, path);
    if (fault) return fault;

    try {
      for (const route of this.#routes) {
        const match = route.path.exec(path);
        if (match && route.methods.includes(method)) {
          return await route.answer(match.slice(1), request, url);
        }
      }
    } catch (error) {
      return googleError(400, `${error}`, 'invalid');
    }
    return googleError(
      404,
      `The fake does not implement ${method} ${path}`,
      'notFound',
    );
  }

  #takeFault(method: string, path: string): Response | undefined {
    const index = this.#faults.findIndex(
      f =>
        (!f.matcher.method || f.matcher.method.toUpperCase() === method) &&
        (!f.matcher.path || f.matcher.path.test(path)),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index];
    fault.times -= 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    const reason =
      fault.reason ?? (fault.status >= 500 ? 'backendError' : 'invalid');
    return googleError(
      fault.status,
      fault.message ?? defaultMessage(fault.status, reason),
      reason,
    );
  }

  #etag(): string {
    this.#etags += 1;
    return `etag-${this.#etags}`;
  }

  #insertDataset(projectId: string, body: Resource): Response {
    const reference = body.datasetReference as { datasetId: string };
    const key = `${projectId}:${reference.datasetId}`;
    if (this.#datasets.has(key)) {
      return googleError(409, `Already Exists: Dataset ${key}`, 'duplicate');
    }
    const resource: Resource = {
      kind: 'bigquery#dataset',
      ...body,
      id: key,
      datasetReference: { projectId, datasetId: reference.datasetId },
      location: body.location ?? 'US',
      etag: this.#etag(),
      creationTime: String(Date.now()),
    };
    this.#datasets.set(key, resource);
    return HttpResponse.json(resource);
  }

  #getDataset(projectId: string, datasetId: string): Response {
    const resource = this.#datasets.get(`${projectId}:${datasetId}`);
    return resource
      ? HttpResponse.json(resource)
      : googleError(
          404,
          `Not found: Dataset ${projectId}:${datasetId}`,
          'notFound',
        );
  }

  #insertTable(projectId: string, datasetId: string, body: Resource): Response {
    if (!this.#datasets.has(`${projectId}:${datasetId}`)) {
      return googleError(
        404,
        `Not found: Dataset ${projectId}:${datasetId}`,
        'notFound',
      );
    }
    const { tableId } = body.tableReference as { tableId: string };
    const key = `${projectId}:${datasetId}.${tableId}`;
    if (this.#tables.has(key)) {
      return googleError(409, `Already Exists: Table ${key}`, 'duplicate');
    }
    const problem = checkFields(
      (body.schema as Resource | undefined)?.fields as Field[] | undefined,
    );
    if (problem) return googleError(400, problem, 'invalid');
    const resource: Resource = {
      kind: 'bigquery#table',
      ...body,
      id: key,
      tableReference: { projectId, datasetId, tableId },
      type: 'TABLE',
      etag: this.#etag(),
      creationTime: String(Date.now()),
      lastModifiedTime: String(Date.now()),
      location: this.#datasets.get(`${projectId}:${datasetId}`)!.location,
    };
    this.#tables.set(key, { resource, partitions: new Map() });
    return HttpResponse.json(resource);
  }

  #getTable(projectId: string, datasetId: string, tableId: string): Response {
    const table = this.#tables.get(`${projectId}:${datasetId}.${tableId}`);
    if (!table) {
      return googleError(
        404,
        `Not found: Table ${projectId}:${datasetId}.${tableId}`,
        'notFound',
      );
    }
    return HttpResponse.json({
      ...table.resource,
      numRows: String(
        [...table.partitions.values()].reduce((n, rows) => n + rows.length, 0),
      ),
    });
  }

  #patchTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    request: Request,
    body: Resource,
  ): Response {
    const method = request.method.toUpperCase();
    const key = `${projectId}:${datasetId}.${tableId}`;
    const table = this.#tables.get(key);
    if (!table) {
      return googleError(404, `Not found: Table ${key}`, 'notFound');
    }
    const ifMatch = request.headers.get('if-match');
    if (ifMatch && ifMatch !== table.resource.etag) {
      return googleError(412, 'Precondition check failed.', 'conditionNotMet');
    }
    const next = (
      method === 'PUT' ? { ...body } : mergePatch(table.resource, body)
    ) as Resource;
    const oldFields = ((table.resource.schema as Resource | undefined)
      ?.fields ?? []) as Field[];
    const newFields = ((next.schema as Resource | undefined)?.fields ??
      []) as Field[];
    const problem =
      checkFields(newFields) ??
      checkSchemaChange(oldFields, newFields, `${key}`) ??
      checkPartitioningChange(
        table.resource.timePartitioning as Resource | undefined,
        next.timePartitioning as Resource | undefined,
      );
    if (problem) return googleError(400, problem, 'invalid');
    table.resource = {
      ...next,
      id: key,
      tableReference: table.resource.tableReference,
      etag: this.#etag(),
      lastModifiedTime: String(Date.now()),
    };
    return HttpResponse.json(table.resource);
  }

  async #upload(
    projectId: string,
    request: Request,
    url: URL,
  ): Promise<Response> {
    if (url.searchParams.get('uploadType') !== 'multipart') {
      return googleError(
        400,
        `The fake supports uploadType=multipart only, not ${url.searchParams.get(
          'uploadType',
        )}`,
        'invalid',
      );
    }
    const contentType = request.headers.get('content-type') ?? '';
    const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
    if (!boundary) {
      return googleError(400, 'Missing multipart boundary', 'invalid');
    }
    const parts = splitMultipart(
      Buffer.from(await request.arrayBuffer()),
      boundary,
    );
    if (parts.length !== 2) {
      return googleError(400, 'Expected metadata and media parts', 'invalid');
    }
    const body = JSON.parse(parts[0].toString('utf8')) as Resource;
    return this.#insertJob(projectId, body, async () => ({ data: [parts[1]] }));
  }

  async #insertJob(
    projectId: string,
    body: Resource,
    uploaded: () => Promise<{ data: Buffer[] } | undefined>,
  ): Promise<Response> {
    const reference = (body.jobReference ?? {}) as Resource;
    const jobId =
      (reference.jobId as string | undefined) ?? `job_${this.#jobs.size + 1}`;
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(jobId)) {
      return googleError(400, `Invalid job ID "${jobId}"`, 'invalid');
    }
    const key = `${projectId}:${jobId}`;
    const location = (reference.location as string | undefined) ?? 'US';
    if (this.#jobs.has(key)) {
      return googleError(
        409,
        `Already Exists: Job ${projectId}:${location}.${jobId}`,
        'duplicate',
      );
    }
    const configuration = (body.configuration ?? {}) as Resource;
    const load = configuration.load as Resource | undefined;
    if (!load) {
      return googleError(400, 'The fake runs load jobs only', 'invalid');
    }
    const sources = (await uploaded()) ?? (await this.#readSources(load));
    const jobFault = this.#jobFaults[0];
    let outcome: LoadOutcome;
    if (jobFault) {
      jobFault.times -= 1;
      if (jobFault.times <= 0) this.#jobFaults.shift();
      outcome = { error: jobFault.errorResult };
    } else {
      outcome =
        'error' in sources
          ? sources
          : this.#load(projectId, load, sources.data);
    }
    const now = String(Date.now());
    const job: Resource = {
      kind: 'bigquery#job',
      id: `${projectId}:${location}.${jobId}`,
      jobReference: { projectId, jobId, location },
      configuration,
      status: { state: 'RUNNING' },
      statistics: { creationTime: now, startTime: now },
    };
    this.#jobs.set(key, job);
    this.#pending.set(key, { outcome, pollsLeft: this.runningPolls });
    // The answer says RUNNING, as BigQuery's usually does; the client
    // learns the outcome from jobs.get.
    const answer = structuredClone(job);
    if (this.runningPolls === 0) this.#finish(key);
    return HttpResponse.json(answer);
  }

  #finish(key: string) {
    const pending = this.#pending.get(key);
    const job = this.#jobs.get(key);
    if (!pending || !job) return;
    this.#pending.delete(key);
    const { outcome } = pending;
    const statistics = job.statistics as Resource;
    statistics.endTime = String(Date.now());
    if ('error' in outcome) {
      job.status = {
        state: 'DONE',
        errorResult: outcome.error,
        errors: [outcome.error],
      };
      return;
    }
    outcome.apply();
    job.status = { state: 'DONE' };
    statistics.load = {
      inputFiles: String(outcome.inputFiles),
      inputFileBytes: String(outcome.inputBytes),
      outputRows: String(outcome.rows),
      outputBytes: String(outcome.outputBytes),
      badRecords: '0',
    };
  }

  #getJob(projectId: string, jobId: string): Response {
    const key = `${projectId}:${jobId}`;
    const job = this.#jobs.get(key);
    if (!job) {
      return googleError(
        404,
        `Not found: Job ${projectId}:${jobId}`,
        'notFound',
      );
    }
    const pending = this.#pending.get(key);
    if (pending) {
      if (pending.pollsLeft <= 0) this.#finish(key);
      else pending.pollsLeft -= 1;
    }
    return HttpResponse.json(job);
  }

  async #readSources(
    load: Resource,
  ): Promise<{ data: Buffer[] } | { error: JobError }> {
    const uris = (load.sourceUris ?? []) as string[];
    const data: Buffer[] = [];
    for (const uri of uris) {
      const content = this.#readObject
        ? await this.#readObject(uri)
        : undefined;
      if (!content) {
        return {
          error: { reason: 'notFound', message: `Not found: URI ${uri}` },
        };
      }
      data.push(content);
    }
    return { data };
  }

  /**
   * Checks every row against the destination's schema, then (on apply)
   * writes them: all or nothing, as a load job does.
   */
  #load(projectId: string, load: Resource, sources: Buffer[]): LoadOutcome {
    const destination = load.destinationTable as Resource;
    const datasetId = destination.datasetId as string;
    const [tableId, decorator] = String(destination.tableId).split('$');
    const key = `${
      (destination.projectId as string) ?? projectId
    }:${datasetId}.${tableId}`;
    const table = this.#tables.get(key);
    if (!table) {
      return {
        error: { reason: 'notFound', message: `Not found: Table ${key}` },
      };
    }
    if ((load.sourceFormat ?? 'CSV') !== 'NEWLINE_DELIMITED_JSON') {
      return {
        error: {
          reason: 'invalid',
          message: `The fake loads NEWLINE_DELIMITED_JSON only`,
        },
      };
    }
    const fields = ((table.resource.schema as Resource).fields ??
      []) as Field[];
    const partitioning = table.resource.timePartitioning as
      | Resource
      | undefined;
    const ignoreUnknown = load.ignoreUnknownValues === true;
    const rows: Array<{ partition: string; row: Row }> = [];
    let inputBytes = 0;
    let outputBytes = 0;
    for (const source of sources) {
      inputBytes += source.length;
      const text = (isGzip(source) ? gunzipSync(source) : source).toString(
        'utf8',
      );
      let position = 0;
      for (const line of text.split('\n')) {
        const start = position;
        position += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return {
            error: {
              reason: 'invalid',
              location: `position ${start}`,
              message: `Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: ${
                rows.length + 1
              }; errors: 1. Please look into the errors[] collection for more details. JSON parsing error in row starting at position ${start}: Parser terminated before end of string`,
            },
          };
        }
        const problem = checkRow(parsed, fields, ignoreUnknown, '');
        if (problem) {
          return {
            error: {
              reason: 'invalid',
              location: `position ${start}`,
              message: `Error while reading data, error message: JSON parsing error in row starting at position ${start}: ${problem}`,
            },
          };
        }
        const row = parsed as Row;
        const partition = partitionOf(row, partitioning);
        if (partition === undefined) {
          return {
            error: {
              reason: 'invalid',
              message: `The partitioning column ${String(
                partitioning?.field,
              )} is missing or not a timestamp in row starting at position ${start}`,
            },
          };
        }
        if (decorator !== undefined && partition !== decorator) {
          return {
            error: {
              reason: 'invalid',
              message: `Some rows belong to different partitions rather than destination partition ${decorator}`,
            },
          };
        }
        outputBytes += Buffer.byteLength(line);
        rows.push({ partition, row });
      }
    }
    const disposition =
      (load.writeDisposition as string | undefined) ?? 'WRITE_APPEND';
    const target = decorator === undefined ? undefined : decorator;
    const existingRows = target
      ? table.partitions.get(target)?.length ?? 0
      : [...table.partitions.values()].reduce((n, r) => n + r.length, 0);
    if (disposition === 'WRITE_EMPTY' && existingRows > 0) {
      return {
        error: { reason: 'duplicate', message: `Already Exists: Table ${key}` },
      };
    }
    return {
      inputFiles: sources.length,
      inputBytes,
      outputBytes,
      rows: rows.length,
      apply: () => {
        if (disposition === 'WRITE_TRUNCATE') {
          if (target) table.partitions.set(target, []);
          else table.partitions.clear();
        }
        for (const { partition, row } of rows) {
          const list = table.partitions.get(partition) ?? [];
          list.push(row);
          table.partitions.set(partition, list);
        }
      },
    };
  }
}

/**
 * A real BigQuery client for tests: the test token, an endpoint the fake
 * answers (any host: the fake matches paths), and retries of 5xx and rate
 * limits a few milliseconds apart instead of seconds.
 */
export function testBigQueryClient(
  options: {
    projectId?: string;
    apiEndpoint?: string;
    maxRetries?: number;
  } = {},
): BigQuery {
  return new BigQuery({
    projectId: options.projectId ?? 'test-project',
    apiEndpoint: options.apiEndpoint ?? 'https://bigquery.googleapis.com',
    authClient: testAuthClient() as never,
    retryOptions: {
      autoRetry: true,
      maxRetries: options.maxRetries ?? 2,
      maxRetryDelay: 0.005,
      retryDelayMultiplier: 1,
      totalTimeout: 10,
    },
  });
}

type Resource = Record<string, unknown>;
type Row = Record<string, unknown>;
type Field = {
  name: string;
  type: string;
  mode?: string;
  fields?: Field[];
  description?: string;
  policyTags?: { names: string[] };
};
type FakeTable = { resource: Resource; partitions: Map<string, Row[]> };
type Fault = {
  matcher: { method?: string; path?: RegExp };
  status: number;
  reason?: string;
  message?: string;
  times: number;
};
type JobError = { reason: string; message: string; location?: string };
type JobFault = { errorResult: JobError; times: number };
type LoadOutcome =
  | { error: JobError }
  | {
      inputFiles: number;
      inputBytes: number;
      outputBytes: number;
      rows: number;
      apply(): void;
    };

function defaultMessage(status: number, reason: string): string {
  if (reason === 'quotaExceeded') {
    return 'Quota exceeded: Your table exceeded quota for imports or query appends per table.';
  }
  if (reason === 'rateLimitExceeded') {
    return 'Exceeded rate limits: too many table update operations for this table.';
  }
  if (status >= 500)
    return 'Error encountered during execution. Retrying may solve the problem.';
  return `Request failed with status ${status}`;
}

function googleError(code: number, message: string, reason: string): Response {
  return googleErrorResponse(code, message, { reason });
}

/** RFC 7396 merge patch, which is how BigQuery's PATCH treats the body. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;
const TYPES = new Set([
  'STRING',
  'BYTES',
  'INTEGER',
  'INT64',
  'FLOAT',
  'FLOAT64',
  'NUMERIC',
  'BIGNUMERIC',
  'BOOLEAN',
  'BOOL',
  'TIMESTAMP',
  'DATE',
  'TIME',
  'DATETIME',
  'JSON',
  'RECORD',
  'STRUCT',
]);

function checkFields(
  fields: Field[] | undefined,
  prefix = '',
): string | undefined {
  const seen = new Set<string>();
  for (const field of fields ?? []) {
    if (!VALID_NAME.test(field.name)) {
      return `Invalid field name "${prefix}${field.name}". Fields must contain only letters, numbers, and underscores, start with a letter or underscore, and be at most 300 characters long.`;
    }
    if (seen.has(field.name.toLowerCase())) {
      return `Field ${prefix}${field.name} already exists in schema`;
    }
    seen.add(field.name.toLowerCase());
    if (!TYPES.has(field.type))
      return `Invalid field type ${field.type} for ${prefix}${field.name}`;
    const record = field.type === 'RECORD' || field.type === 'STRUCT';
    if (record && !(field.fields && field.fields.length > 0)) {
      return `Field ${prefix}${field.name} is type RECORD but has no schema`;
    }
    if (record && field.policyTags?.names?.length) {
      return `Policy tags cannot be set on RECORD field ${prefix}${field.name}`;
    }
    if (record) {
      const problem = checkFields(field.fields, `${prefix}${field.name}.`);
      if (problem) return problem;
    }
  }
  return undefined;
}

const ALIASES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  STRUCT: 'RECORD',
};
const canonical = (type: string) => ALIASES[type] ?? type;

/** BigQuery's rules for changing a table's schema in place. */
function checkSchemaChange(
  before: Field[],
  after: Field[],
  table: string,
  prefix = '',
): string | undefined {
  for (const old of before) {
    const next = after.find(
      f => f.name.toLowerCase() === old.name.toLowerCase(),
    );
    if (!next) {
      return `Provided Schema does not match Table ${table}. Field ${prefix}${old.name} is missing in new schema`;
    }
    if (canonical(next.type) !== canonical(old.type)) {
      return `Provided Schema does not match Table ${table}. Field ${prefix}${old.name} has changed type from ${old.type} to ${next.type}`;
    }
    const oldMode = old.mode ?? 'NULLABLE';
    const newMode = next.mode ?? 'NULLABLE';
    if (
      oldMode !== newMode &&
      !(oldMode === 'REQUIRED' && newMode === 'NULLABLE')
    ) {
      return `Provided Schema does not match Table ${table}. Field ${prefix}${old.name} has changed mode from ${oldMode} to ${newMode}`;
    }
    if (canonical(old.type) === 'RECORD') {
      const problem = checkSchemaChange(
        old.fields ?? [],
        next.fields ?? [],
        table,
        `${prefix}${old.name}.`,
      );
      if (problem) return problem;
    }
  }
  for (const added of after) {
    const existed = before.some(
      f => f.name.toLowerCase() === added.name.toLowerCase(),
    );
    if (!existed && added.mode === 'REQUIRED') {
      return `Provided Schema does not match Table ${table}. Cannot add required fields to an existing schema. (field: ${prefix}${added.name})`;
    }
  }
  return undefined;
}

function checkPartitioningChange(
  before?: Resource,
  after?: Resource,
): string | undefined {
  if (!before) return undefined;
  if (!after || after.type !== before.type || after.field !== before.field) {
    return 'Cannot change partitioning spec for a partitioned table.';
  }
  return undefined;
}

function isGzip(buffer: Buffer): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let index = body.indexOf(delimiter);
  while (index >= 0) {
    const start = index + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(content.length - 2).toString() === '\r\n') {
      content = content.subarray(0, content.length - 2);
    }
    parts.push(content);
    index = next;
  }
  return parts;
}

/** The partition a row falls in: `YYYYMMDDHH` (or coarser), by the partitioning column. */
function partitionOf(row: Row, partitioning?: Resource): string | undefined {
  if (!partitioning) return '__UNPARTITIONED__';
  const value = partitioning.field
    ? row[partitioning.field as string]
    : Date.now();
  const ms = timestampMs(value);
  if (ms === undefined) return undefined;
  const iso = new Date(ms).toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(
    8,
    10,
  )}${iso.slice(11, 13)}`;
  const length =
    { HOUR: 10, DAY: 8, MONTH: 6, YEAR: 4 }[String(partitioning.type)] ?? 8;
  return digits.slice(0, length);
}

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2}):(\d{2})(\.\d{1,6})?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** BigQuery's JSON loader: canonical timestamp text (at most 6 fraction digits) or epoch seconds. */
function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return undefined;
  const match = TIMESTAMP_TEXT.exec(value.trim());
  if (!match || Number(match[6]) > 59) return undefined;
  const zone = !match[8] || /^(z|utc)$/i.test(match[8]) ? 'Z' : match[8];
  const ms = Date.parse(
    `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(
      2,
      '0',
    )}T${match[4].padStart(2, '0')}:${match[5]}:${match[6]}${(
      match[7] ?? ''
    ).slice(0, 4)}${zone.length === 3 ? `${zone}:00` : zone}`,
  );
  return Number.isNaN(ms) ? undefined : ms;
}

/** What BigQuery would say about a row that does not fit the schema, if anything. */
function checkRow(
  value: unknown,
  fields: Field[],
  ignoreUnknown: boolean,
  prefix: string,
): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `Only optional fields can be set to NULL. Field: ${prefix || 'row'}`;
  }
  const row = value as Row;
  const byName = new Map(fields.map(f => [f.name.toLowerCase(), f]));
  for (const name of Object.keys(row)) {
    if (!byName.has(name.toLowerCase()) && !ignoreUnknown) {
      return `No such field: ${prefix}${name}.`;
    }
  }
  for (const field of fields) {
    const key = Object.keys(row).find(
      k => k.toLowerCase() === field.name.toLowerCase(),
    );
    const member = key === undefined ? undefined : row[key];
    const path = `${prefix}${field.name}`;
    const mode = field.mode ?? 'NULLABLE';
    if (member === undefined || member === null) {
      if (mode === 'REQUIRED') return `Missing required field: ${path}.`;
      continue;
    }
    if (mode === 'REPEATED') {
      if (!Array.isArray(member))
        return `Array specified for non-repeated field: ${path}.`;
      for (const item of member) {
        if (item === null)
          return `Only optional fields can be set to NULL. Field: ${path}`;
        const problem = checkValue(item, field, ignoreUnknown, path);
        if (problem) return problem;
      }
      continue;
    }
    if (Array.isArray(member) && canonical(field.type) !== 'JSON') {
      return `Array specified for non-repeated field: ${path}.`;
    }
    const problem = checkValue(member, field, ignoreUnknown, path);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(
  value: unknown,
  field: Field,
  ignoreUnknown: boolean,
  path: string,
): string | undefined {
  const bad = (what: string) =>
    `Could not convert value '${JSON.stringify(
      value,
    )}' to ${what}. Field: ${path}; Value: ${JSON.stringify(value)}`;
  switch (canonical(field.type)) {
    case 'RECORD':
      return checkRow(value, field.fields ?? [], ignoreUnknown, `${path}.`);
    case 'JSON':
      return undefined;
    case 'STRING':
      return typeof value === 'string' ? undefined : bad('string');
    case 'INT64':
      return (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : bad('integer');
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return typeof value === 'number' ||
        (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
        ? undefined
        : bad('number');
    case 'BOOL':
      return typeof value === 'boolean' ? undefined : bad('boolean');
    case 'TIMESTAMP':
      return timestampMs(value) === undefined
        ? `Invalid timestamp: ${JSON.stringify(value)}. Field: ${path}`
        : undefined;
    case 'DATE':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? undefined
        : `Invalid date: ${JSON.stringify(value)}. Field: ${path}`;
    case 'TIME':
      return typeof value === 'string' &&
        /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value)
        ? undefined
        : `Invalid time: ${JSON.stringify(value)}. Field: ${path}`;
    case 'DATETIME':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value)
        ? undefined
        : `Invalid datetime: ${JSON.stringify(value)}. Field: ${path}`;
    case 'BYTES':
      return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value)
        ? undefined
        : bad('bytes (base64)');
    default:
      return undefined;
  }
}
