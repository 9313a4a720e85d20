import { http, HttpHandler, HttpResponse } from 'msw';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { googleErrorResponse } from './googleError';
import { testAuthClient } from './testAuth';

/**
 * The Cloud Storage JSON API operations the fake answers, named after the
 * API methods (`objects.insert` split by upload type).
 */
export type GcsOperation =
  | 'objects.insert.multipart'
  | 'objects.insert.resumable.start'
  | 'objects.insert.resumable.chunk'
  | 'objects.get'
  | 'objects.get.media'
  | 'objects.list'
  | 'objects.delete';

/** Which requests a fault or hook applies to; every given field must match. */
export type GcsRequestMatcher = {
  operation?: GcsOperation | GcsOperation[];
  /** The object name (or, for `objects.list`, the listed prefix). */
  object?: string | RegExp;
};

/**
 * A fault injected into the next matching requests.
 * - `reject` (default): answer with the error and change nothing;
 * - `afterCommit`: do the work, then answer with the error, as when a
 *   response is lost on the way back after the server committed;
 * - `partialChunk` (resumable chunks only): keep only the first `keepBytes`
 *   of the chunk's bytes (default half), as when a connection breaks in the
 *   middle of a chunk, then answer with the error.
 */
export type GcsFault = {
  status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** How many matching requests to let through before failing; default 0. */
  skip?: number;
  mode?: 'reject' | 'afterCommit' | 'partialChunk';
  keepBytes?: number;
};

/** One request the fake answered, for tests to assert on. */
export type GcsRequestRecord = {
  operation: GcsOperation;
  method: string;
  bucket: string;
  object?: string;
  status: number;
  query: Record<string, string>;
  /** The object metadata an upload sent (multipart, or resumable start). */
  metadata?: Record<string, unknown>;
};

/** A stored object: the current (only) generation of a name. */
export type FakeGcsObject = {
  name: string;
  content: Buffer;
  generation: number;
  metageneration: number;
  contentType: string;
  crc32c: string;
  md5Hash: string;
  created: Date;
  updated: Date;
};

export type FakeGcsOptions = {
  /** Buckets that exist; any other bucket answers 404. */
  buckets: string[];
  /** When set, requests must carry `Authorization: Bearer <accessToken>`. */
  accessToken?: string;
  /**
   * Also keep every object as a file `<mirrorDirectory>/<object name>`
   * (written to a temporary file, then renamed), so that another process can
   * read the partitions as files.
   */
  mirrorDirectory?: string;
  /** The most items a list page holds; Google's cap is 1000. */
  maxPageSize?: number;
};

/** Google's granularity for the bytes a resumable session persists. */
const RESUMABLE_CHUNK_GRANULARITY = 256 * 1024;

type ResumableSession = {
  id: string;
  bucket: string;
  name: string;
  metadata: Record<string, unknown>;
  contentType: string;
  preconditions: Preconditions;
  received: Buffer;
  completed?: FakeGcsObject;
  failed?: boolean;
};

type Preconditions = {
  ifGenerationMatch?: number;
  ifGenerationNotMatch?: number;
  ifMetagenerationMatch?: number;
};

type PendingFault = GcsFault & {
  match: GcsRequestMatcher;
  remaining: number;
};

type PendingHook = {
  match: GcsRequestMatcher;
  action: () => void | Promise<void>;
};

type Route = {
  operation: GcsOperation;
  bucket: string;
  object?: string;
  /** Filled in by uploads, for the request record. */
  metadata?: Record<string, unknown>;
};

/** Thrown inside the fake to answer with a Google error body. */
class GcsApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A stateful fake of the Cloud Storage JSON API subset that
 * `@google-cloud/storage` uses for objects: multipart and resumable uploads,
 * metadata and media reads, paginated lists and deletes, with generations and
 * generation preconditions. It matches on the path only, so the same handlers
 * answer `https://storage.googleapis.com` in-process and a plain HTTP
 * `apiEndpoint` through `serveHandlers`.
 */
export class FakeGcs {
  /** Every request answered, oldest first. */
  readonly requests: GcsRequestRecord[] = [];
  /** Every object generation created, oldest first. */
  readonly commits: { bucket: string; name: string; generation: number }[] = [];

  readonly #buckets = new Map<string, Map<string, FakeGcsObject>>();
  readonly #sessions = new Map<string, ResumableSession>();
  readonly #faults: PendingFault[] = [];
  readonly #hooks: PendingHook[] = [];
  readonly #accessToken?: string;
  readonly #mirrorDirectory?: string;
  readonly #maxPageSize: number;
  #lastGeneration = 0;

  constructor(options: FakeGcsOptions) {
    for (const bucket of options.buckets) {
      this.#buckets.set(bucket, new Map());
    }
    this.#accessToken = options.accessToken;
    this.#mirrorDirectory = options.mirrorDirectory
      ? path.resolve(options.mirrorDirectory)
      : undefined;
    this.#maxPageSize = options.maxPageSize ?? 1000;
  }

  handlers(): HttpHandler[] {
    return [
      http.all(/\/(upload\/)?storage\/v1\/b\/[^/?]+\/o/, ({ request }) =>
        this.#handle(request),
      ),
    ];
  }

  /** Makes the next `times` (default 1) matching requests fail. */
  failNext(match: GcsRequestMatcher, fault: GcsFault): void {
    this.#faults.push({ ...fault, match, remaining: fault.times ?? 1 });
  }

  /**
   * Runs `action` once, just before the next matching request is handled,
   * for example to let a concurrent writer slip in. Hooks registered for the
   * same requests run one per request, in order.
   */
  beforeNext(
    match: GcsRequestMatcher,
    action: () => void | Promise<void>,
  ): void {
    this.#hooks.push({ match, action });
  }

  /** Stores an object directly, as another writer would. */
  async putObject(
    bucket: string,
    name: string,
    content: Buffer | string,
    contentType = 'application/octet-stream',
  ): Promise<FakeGcsObject> {
    return this.#store(bucket, name, Buffer.from(content), contentType);
  }

  getObject(bucket: string, name: string): FakeGcsObject | undefined {
    return this.#buckets.get(bucket)?.get(name);
  }

  objectNames(bucket: string): string[] {
    return [...(this.#buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /** How many resumable sessions have been started. */
  get resumableSessionCount(): number {
    return this.#sessions.size;
  }

  async #handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    const route = parseRoute(request.method, url);
    if (!route) {
      return undefined;
    }
    const query = Object.fromEntries(url.searchParams);
    let status = 500;
    try {
      const response = await this.#answer(request, url, route);
      status = response.status;
      return response;
    } catch (error) {
      if (!(error instanceof GcsApiError)) {
        throw error;
      }
      status = error.status;
      return errorResponse(error);
    } finally {
      this.requests.push({
        operation: route.operation,
        method: request.method,
        bucket: route.bucket,
        object: route.object,
        status,
        query,
        ...(route.metadata && { metadata: route.metadata }),
      });
    }
  }

  async #answer(request: Request, url: URL, route: Route): Promise<Response> {
    this.#authorize(request);
    const objects = this.#buckets.get(route.bucket);
    if (!objects) {
      throw new GcsApiError(
        404,
        'notFound',
        'The specified bucket does not exist.',
      );
    }
    const subject = subjectOf(route, url);
    for (const hook of this.#takeHooks(route.operation, subject)) {
      await hook.action();
    }
    const fault = this.#takeFault(route.operation, subject);
    if (
      fault &&
      fault.mode !== 'afterCommit' &&
      fault.mode !== 'partialChunk'
    ) {
      throw faultError(fault.status);
    }
    const response = await this.#dispatch(request, url, route, objects, fault);
    if (fault) {
      // `afterCommit`, or a `partialChunk` whose partial bytes are kept.
      throw faultError(fault.status);
    }
    return response;
  }

  #dispatch(
    request: Request,
    url: URL,
    route: Route,
    objects: Map<string, FakeGcsObject>,
    fault: PendingFault | undefined,
  ): Promise<Response> | Response {
    switch (route.operation) {
      case 'objects.insert.multipart':
        return this.#multipartUpload(request, url, route);
      case 'objects.insert.resumable.start':
        return this.#startResumable(request, url, route);
      case 'objects.insert.resumable.chunk':
        return this.#resumableChunk(request, url, fault);
      case 'objects.get':
        return this.#getObject(url, route, objects);
      case 'objects.get.media':
        return this.#getMedia(url, route, objects);
      case 'objects.list':
        return this.#list(url, route.bucket, objects);
      case 'objects.delete':
        return this.#delete(url, route, objects);
      default:
        throw new GcsApiError(400, 'invalid', 'Unsupported operation');
    }
  }

  #authorize(request: Request) {
    if (
      this.#accessToken &&
      request.headers.get('authorization') !== `Bearer ${this.#accessToken}`
    ) {
      throw new GcsApiError(401, 'required', 'Invalid Credentials', {
        locationType: 'header',
        location: 'Authorization',
      });
    }
  }

  async #multipartUpload(
    request: Request,
    url: URL,
    route: Route,
  ): Promise<Response> {
    const bucket = route.bucket;
    const boundary = /boundary=("?)([^";]+)\1/i.exec(
      request.headers.get('content-type') ?? '',
    )?.[2];
    if (!boundary) {
      throw new GcsApiError(
        400,
        'invalid',
        'Multipart upload requires a multipart/related body.',
      );
    }
    const parts = parseMultipart(
      Buffer.from(await request.arrayBuffer()),
      boundary,
    );
    if (parts.length !== 2) {
      throw new GcsApiError(
        400,
        'invalid',
        'Multipart upload must have exactly two parts: metadata and media.',
      );
    }
    const metadata = JSON.parse(parts[0].body.toString('utf8') || '{}');
    route.metadata = metadata;
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) {
      throw new GcsApiError(400, 'required', 'Required');
    }
    const content = parts[1].body;
    const contentType =
      metadata.contentType ??
      parts[1].headers['content-type'] ??
      'application/octet-stream';
    this.#checkPreconditions(bucket, name, readPreconditions(url));
    checkHashes(metadata, content);
    const object = await this.#store(bucket, name, content, contentType);
    return HttpResponse.json(objectResource(url, bucket, object));
  }

  async #startResumable(
    request: Request,
    url: URL,
    route: Route,
  ): Promise<Response> {
    const bucket = route.bucket;
    const text = await request.text();
    const metadata = text ? JSON.parse(text) : {};
    route.metadata = metadata;
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) {
      throw new GcsApiError(400, 'required', 'Required');
    }
    const preconditions = readPreconditions(url);
    // Google evaluates preconditions when a session starts and again when
    // the last byte arrives.
    this.#checkPreconditions(bucket, name, preconditions);
    const id = randomUUID().replace(/-/g, '');
    this.#sessions.set(id, {
      id,
      bucket,
      name,
      metadata,
      contentType:
        metadata.contentType ??
        request.headers.get('x-upload-content-type') ??
        'application/octet-stream',
      preconditions,
      received: Buffer.alloc(0),
    });
    const location = new URL(
      `/upload/storage/v1/b/${encodeURIComponent(bucket)}/o`,
      url.origin,
    );
    location.searchParams.set('uploadType', 'resumable');
    location.searchParams.set('name', name);
    location.searchParams.set('upload_id', id);
    return new HttpResponse(null, {
      status: 200,
      headers: { location: location.href, 'x-guploader-uploadid': id },
    });
  }

  async #resumableChunk(
    request: Request,
    url: URL,
    fault: PendingFault | undefined,
  ): Promise<Response> {
    const session = this.#sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!session || session.failed) {
      throw new GcsApiError(404, 'notFound', 'No such upload session.');
    }
    const body = Buffer.from(await request.arrayBuffer());
    if (session.completed) {
      // A finished session answers every further request with its object.
      return HttpResponse.json(
        objectResource(url, session.bucket, session.completed),
      );
    }
    const range = parseContentRange(request.headers.get('content-range'));
    if (!range) {
      throw new GcsApiError(400, 'invalid', 'Invalid Content-Range header.');
    }
    const persisted = session.received.length;
    if (range.first !== undefined) {
      if (range.first > persisted) {
        throw new GcsApiError(
          400,
          'invalid',
          `Upload starts at byte ${range.first} but only ${persisted} bytes were received.`,
        );
      }
      // Bytes before `persisted` were already received; Google skips them.
      let fresh = body.subarray(persisted - range.first);
      if (fault?.mode === 'partialChunk') {
        fresh = fresh.subarray(
          0,
          fault.keepBytes ?? Math.floor(fresh.length / 2),
        );
        session.received = Buffer.concat([session.received, fresh]);
        return incomplete(session);
      }
      // `bytes F-*\/T`: the body runs to the end of the object; otherwise the
      // upload is complete once the declared total has arrived.
      const isFinal =
        range.last === '*' ||
        (range.total !== undefined && persisted + fresh.length >= range.total);
      if (!isFinal) {
        // Google keeps non-final chunks only in whole 256 KiB units.
        const whole =
          Math.floor((persisted + fresh.length) / RESUMABLE_CHUNK_GRANULARITY) *
            RESUMABLE_CHUNK_GRANULARITY -
          persisted;
        fresh = fresh.subarray(0, Math.max(0, whole));
      }
      session.received = Buffer.concat([session.received, fresh]);
      if (!isFinal) {
        return incomplete(session);
      }
      if (range.total !== undefined) {
        session.received = session.received.subarray(0, range.total);
      }
    } else if (
      range.total === undefined ||
      session.received.length < range.total
    ) {
      // `bytes */*` or `bytes */N` before all N bytes arrived: a status query.
      return incomplete(session);
    }
    return this.#finishResumable(url, session);
  }

  async #finishResumable(
    url: URL,
    session: ResumableSession,
  ): Promise<Response> {
    try {
      this.#checkPreconditions(
        session.bucket,
        session.name,
        session.preconditions,
      );
      checkHashes(session.metadata, session.received);
    } catch (error) {
      session.failed = true;
      throw error;
    }
    session.completed = await this.#store(
      session.bucket,
      session.name,
      session.received,
      session.contentType,
    );
    return HttpResponse.json(
      objectResource(url, session.bucket, session.completed),
    );
  }

  #getObject(
    url: URL,
    route: Route,
    objects: Map<string, FakeGcsObject>,
  ): Response {
    const object = this.#existing(route, objects, readPreconditions(url));
    return HttpResponse.json(objectResource(url, route.bucket, object));
  }

  #getMedia(
    url: URL,
    route: Route,
    objects: Map<string, FakeGcsObject>,
  ): Response {
    const object = this.#existing(route, objects, readPreconditions(url));
    const generation = url.searchParams.get('generation');
    if (generation && Number(generation) !== object.generation) {
      throw notFound(route.bucket, route.object!);
    }
    return new HttpResponse(new Uint8Array(object.content), {
      status: 200,
      headers: {
        'content-type': object.contentType,
        'content-length': String(object.content.length),
        'x-goog-generation': String(object.generation),
        'x-goog-metageneration': String(object.metageneration),
        'x-goog-stored-content-encoding': 'identity',
        'x-goog-stored-content-length': String(object.content.length),
        'x-goog-hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
        etag: etagOf(object),
      },
    });
  }

  #list(
    url: URL,
    bucket: string,
    objects: Map<string, FakeGcsObject>,
  ): Response {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter') ?? '';
    const pageToken = url.searchParams.get('pageToken');
    const after = pageToken
      ? Buffer.from(pageToken, 'base64url').toString('utf8')
      : undefined;
    const maxResults = Math.min(
      Number(url.searchParams.get('maxResults') ?? this.#maxPageSize) ||
        this.#maxPageSize,
      this.#maxPageSize,
    );
    const items: FakeGcsObject[] = [];
    const prefixes = new Set<string>();
    let last: string | undefined;
    let more = false;
    for (const name of [...objects.keys()].sort()) {
      if (!name.startsWith(prefix) || (after !== undefined && name <= after)) {
        continue;
      }
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      const folder =
        cut >= 0 ? name.slice(0, cut + delimiter.length) : undefined;
      if (folder && prefixes.has(folder)) {
        last = name;
        continue;
      }
      if (items.length + prefixes.size >= maxResults) {
        more = true;
        break;
      }
      if (folder) {
        prefixes.add(folder);
      } else {
        items.push(objects.get(name)!);
      }
      last = name;
    }
    return HttpResponse.json({
      kind: 'storage#objects',
      // Google leaves out empty fields rather than sending empty arrays.
      ...(items.length > 0 && {
        items: items.map(object => objectResource(url, bucket, object)),
      }),
      ...(prefixes.size > 0 && { prefixes: [...prefixes] }),
      ...(more &&
        last !== undefined && {
          nextPageToken: Buffer.from(last, 'utf8').toString('base64url'),
        }),
    });
  }

  async #delete(
    url: URL,
    route: Route,
    objects: Map<string, FakeGcsObject>,
  ): Promise<Response> {
    const object = this.#existing(route, objects, readPreconditions(url));
    objects.delete(object.name);
    await this.#unmirror(object.name);
    return new HttpResponse(null, { status: 204 });
  }

  #existing(
    route: Route,
    objects: Map<string, FakeGcsObject>,
    preconditions: Preconditions,
  ): FakeGcsObject {
    const object = objects.get(route.object!);
    if (!object) {
      throw notFound(route.bucket, route.object!);
    }
    this.#checkPreconditions(route.bucket, route.object!, preconditions);
    return object;
  }

  #checkPreconditions(bucket: string, name: string, wanted: Preconditions) {
    const current = this.#buckets.get(bucket)?.get(name);
    const generation = current?.generation ?? 0;
    const failed =
      (wanted.ifGenerationMatch !== undefined &&
        wanted.ifGenerationMatch !== generation) ||
      (wanted.ifGenerationNotMatch !== undefined &&
        wanted.ifGenerationNotMatch === generation) ||
      (wanted.ifMetagenerationMatch !== undefined &&
        wanted.ifMetagenerationMatch !== current?.metageneration);
    if (failed) {
      throw new GcsApiError(
        412,
        'conditionNotMet',
        'At least one of the pre-conditions you specified did not hold.',
        { locationType: 'header', location: 'If-Match' },
      );
    }
  }

  async #store(
    bucket: string,
    name: string,
    content: Buffer,
    contentType: string,
  ): Promise<FakeGcsObject> {
    const objects = this.#buckets.get(bucket);
    if (!objects) {
      throw new Error(`The fake has no bucket '${bucket}'`);
    }
    const now = new Date();
    // Generations are microsecond timestamps at Google; any strictly
    // increasing number keeps the same guarantees.
    this.#lastGeneration = Math.max(
      this.#lastGeneration + 1,
      now.getTime() * 1000,
    );
    const object: FakeGcsObject = {
      name,
      content: Buffer.from(content),
      generation: this.#lastGeneration,
      metageneration: 1,
      contentType,
      crc32c: crc32cBase64(content),
      md5Hash: createHash('md5').update(content).digest('base64'),
      created: objects.get(name)?.created ?? now,
      updated: now,
    };
    objects.set(name, object);
    this.commits.push({ bucket, name, generation: object.generation });
    await this.#mirror(object);
    return object;
  }

  async #mirror(object: FakeGcsObject) {
    const target = this.#mirrorPath(object.name);
    if (!target) {
      return;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await fs.writeFile(temporary, object.content);
    await fs.rename(temporary, target);
  }

  async #unmirror(name: string) {
    const target = this.#mirrorPath(name);
    if (target) {
      await fs.rm(target, { force: true });
    }
  }

  #mirrorPath(name: string): string | undefined {
    if (!this.#mirrorDirectory) {
      return undefined;
    }
    const target = path.resolve(this.#mirrorDirectory, name);
    if (!target.startsWith(this.#mirrorDirectory + path.sep)) {
      throw new Error(`Object name '${name}' cannot be mirrored as a file`);
    }
    return target;
  }

  #takeFault(operation: GcsOperation, subject: string | undefined) {
    const index = this.#faults.findIndex(f =>
      matches(f.match, operation, subject),
    );
    if (index < 0) {
      return undefined;
    }
    const fault = this.#faults[index];
    if (fault.skip) {
      fault.skip -= 1;
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      this.#faults.splice(index, 1);
    }
    return fault;
  }

  #takeHooks(operation: GcsOperation, subject: string | undefined) {
    // One hook per request, in the order they were registered.
    const index = this.#hooks.findIndex(h =>
      matches(h.match, operation, subject),
    );
    return index < 0 ? [] : this.#hooks.splice(index, 1);
  }
}

/**
 * {@link testAuthClient} for Cloud Storage under msw. A resumable upload
 * session answers `308 Resume Incomplete` without a `Location` header; fetch
 * returns such a response as it is, but msw's fetch interceptor follows every
 * mocked 308 as a redirect and fails the request. Asking for manual redirects
 * gives the client the 308 as real fetch would (Cloud Storage never
 * redirects). Served over real HTTP the plain client works as well.
 */
export function gcsTestAuthClient(): OAuth2Client {
  const client = testAuthClient();
  client.transporter.defaults.fetchImplementation = ((
    input: RequestInfo | URL,
    init?: RequestInit,
  ) => globalThis.fetch(input, { ...init, redirect: 'manual' })) as never;
  return client;
}

function parseRoute(method: string, url: URL): Route | undefined {
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (upload) {
    const bucket = decodeURIComponent(upload[1]);
    const uploadType = url.searchParams.get('uploadType');
    if (method === 'POST' && uploadType === 'multipart') {
      return { operation: 'objects.insert.multipart', bucket };
    }
    if (uploadType === 'resumable') {
      const object = url.searchParams.get('name') ?? undefined;
      if (method === 'POST' && !url.searchParams.has('upload_id')) {
        return { operation: 'objects.insert.resumable.start', bucket, object };
      }
      if (method === 'PUT' && url.searchParams.has('upload_id')) {
        return { operation: 'objects.insert.resumable.chunk', bucket, object };
      }
    }
    return undefined;
  }
  const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (list && method === 'GET') {
    return { operation: 'objects.list', bucket: decodeURIComponent(list[1]) };
  }
  const single = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
  if (single) {
    const bucket = decodeURIComponent(single[1]);
    const object = decodeURIComponent(single[2]);
    if (method === 'GET') {
      const operation =
        url.searchParams.get('alt') === 'media'
          ? 'objects.get.media'
          : 'objects.get';
      return { operation, bucket, object };
    }
    if (method === 'DELETE') {
      return { operation: 'objects.delete', bucket, object };
    }
  }
  return undefined;
}

function subjectOf(route: Route, url: URL): string | undefined {
  return route.operation === 'objects.list'
    ? url.searchParams.get('prefix') ?? ''
    : route.object;
}

function matches(
  matcher: GcsRequestMatcher,
  operation: GcsOperation,
  subject: string | undefined,
): boolean {
  if (matcher.operation !== undefined) {
    const operations = Array.isArray(matcher.operation)
      ? matcher.operation
      : [matcher.operation];
    if (!operations.includes(operation)) {
      return false;
    }
  }
  if (matcher.object !== undefined) {
    if (subject === undefined) {
      return false;
    }
    return typeof matcher.object === 'string'
      ? matcher.object === subject
      : matcher.object.test(subject);
  }
  return true;
}

function readPreconditions(url: URL): Preconditions {
  const read = (key: string) => {
    const value = url.searchParams.get(key);
    return value === null ? undefined : Number(value);
  };
  return {
    ifGenerationMatch: read('ifGenerationMatch'),
    ifGenerationNotMatch: read('ifGenerationNotMatch'),
    ifMetagenerationMatch: read('ifMetagenerationMatch'),
  };
}

/** Google refuses an upload whose supplied hashes differ from its bytes. */
function checkHashes(metadata: Record<string, unknown>, content: Buffer) {
  const crc32c = crc32cBase64(content);
  if (typeof metadata.crc32c === 'string' && metadata.crc32c !== crc32c) {
    throw new GcsApiError(
      400,
      'invalid',
      `Provided CRC32C "${metadata.crc32c}" doesn't match calculated CRC32C "${crc32c}".`,
    );
  }
  const md5 = createHash('md5').update(content).digest('base64');
  if (typeof metadata.md5Hash === 'string' && metadata.md5Hash !== md5) {
    throw new GcsApiError(
      400,
      'invalid',
      `Provided MD5 hash "${metadata.md5Hash}" doesn't match calculated MD5 hash "${md5}".`,
    );
  }
}

function objectResource(url: URL, bucket: string, object: FakeGcsObject) {
  const encoded = encodeURIComponent(object.name);
  return {
    kind: 'storage#object',
    id: `${bucket}/${object.name}/${object.generation}`,
    selfLink: `${url.origin}/storage/v1/b/${bucket}/o/${encoded}`,
    mediaLink: `${url.origin}/download/storage/v1/b/${bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket,
    generation: String(object.generation),
    metageneration: String(object.metageneration),
    contentType: object.contentType,
    storageClass: 'STANDARD',
    size: String(object.content.length),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: etagOf(object),
    timeCreated: object.created.toISOString(),
    updated: object.updated.toISOString(),
    timeStorageClassUpdated: object.created.toISOString(),
  };
}

function etagOf(object: FakeGcsObject): string {
  return Buffer.from(`${object.generation}/${object.metageneration}`).toString(
    'base64',
  );
}

/** A resumable session's `308 Resume Incomplete`, with what it holds. */
function incomplete(session: ResumableSession): Response {
  const headers: Record<string, string> = {
    'x-guploader-uploadid': session.id,
  };
  if (session.received.length > 0) {
    headers.range = `bytes=0-${session.received.length - 1}`;
  }
  return new HttpResponse(null, { status: 308, headers });
}

/** `bytes F-L/T`, `bytes F-L/*`, `bytes F-*\/T`, `bytes *\/T`, `bytes *\/*`. */
function parseContentRange(header: string | null):
  | {
      first?: number;
      last?: number | '*';
      total?: number;
    }
  | undefined {
  const match = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(
    header?.trim() ?? '',
  );
  if (!match) {
    return undefined;
  }
  const [, first, last, total] = match;
  return {
    first: optionalNumber(first),
    last: last === '*' ? '*' : optionalNumber(last),
    total: total === '*' ? undefined : Number(total),
  };
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function parseMultipart(body: Buffer, boundary: string) {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') {
      break;
    }
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next < 0) {
      break;
    }
    // The part runs from after the delimiter's CRLF to before the next CRLF.
    const part = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part
      .subarray(0, Math.max(headerEnd, 0))
      .toString()
      .split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) {
        headers[line.slice(0, colon).trim().toLowerCase()] = line
          .slice(colon + 1)
          .trim();
      }
    }
    parts.push({ headers, body: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

function notFound(bucket: string, name: string) {
  return new GcsApiError(404, 'notFound', `No such object: ${bucket}/${name}`);
}

function faultError(status: number): GcsApiError {
  switch (status) {
    case 429:
      return new GcsApiError(
        429,
        'rateLimitExceeded',
        'The project exceeded the rate limit for Cloud Storage and has been temporarily rate limited. Please retry later.',
      );
    case 412:
      return new GcsApiError(
        412,
        'conditionNotMet',
        'At least one of the pre-conditions you specified did not hold.',
        { locationType: 'header', location: 'If-Match' },
      );
    case 503:
      return new GcsApiError(503, 'backendError', 'Backend Error');
    default:
      return new GcsApiError(
        status,
        status >= 500 ? 'backendError' : 'invalid',
        status >= 500 ? 'Internal Error' : 'Invalid request',
      );
  }
}

function errorResponse(error: GcsApiError): Response {
  return googleErrorResponse(error.status, error.message, {
    reason: error.reason,
    extra: error.extra,
    withoutStatus: true,
  });
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      // 0x82f63b78: the Castagnoli polynomial, reversed.
      c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C, big-endian and base64 encoded, as Google reports it. */
export function crc32cBase64(content: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of content) {
    crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
