import fs from 'node:fs';
import path from 'node:path';
import {
  isMainThread,
  MessagePort,
  parentPort,
  workerData,
} from 'node:worker_threads';
import { EventChunk, StoredChunk } from './chunks';
import {
  LocalTransportContents,
  LocalTransportOp,
  LocalTransportReady,
  LocalTransportReply,
  LocalTransportRequest,
  LocalTransportResults,
  LocalTransportWorkerData,
  SerializedError,
} from './localTransportProtocol';

/**
 * This module's own file, which the transport starts as a worker. The
 * transport imports it rather than naming the file, so that a build, which
 * keeps only imported modules, ships it next to the transport.
 */
export const localTransportWorkerFile = __filename;

// The part of better-sqlite3 used here. It ships no types of its own, and
// this is all the worker needs of `@types/better-sqlite3`.
interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  transaction<Args extends unknown[]>(
    fn: (...args: Args) => void,
  ): (...args: Args) => void;
  close(): void;
}

type SqliteDatabaseConstructor = new (file: string) => SqliteDatabase;

/** The chunks in the SQLite file. Only this worker opens it. */
class ChunkFile {
  static open(file: string): ChunkFile {
    const Database: SqliteDatabaseConstructor = require('better-sqlite3');
    const db = new Database(file);
    try {
      // Exclusive locking keeps a second process (another backend pointed at
      // the same folder) out: leases live in memory, so two owners would
      // hand out the same events. It also spares WAL its shared-memory index.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      // Syncs the WAL on every commit: a publish is answered only after it.
      db.pragma('synchronous = FULL');
      db.exec(`
        CREATE TABLE IF NOT EXISTS chunks (
          id INTEGER PRIMARY KEY,
          event_type TEXT NOT NULL,
          event_count INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          min_received_at INTEGER NOT NULL,
          received_offsets TEXT,
          lines TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS chunks_by_age ON chunks (min_received_at);
      `);
      // A write takes the exclusive lock now rather than at the first
      // publish, so a second owner fails here, at start.
      db.pragma('user_version = 1');
      // The file and its WAL may be new: sync their directory entries too.
      syncDirectory(path.dirname(file));
      return new ChunkFile(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  readonly #insert: SqliteStatement;
  readonly #delete: SqliteStatement;
  readonly #read: SqliteStatement;
  readonly #oldestFirst: SqliteStatement;
  readonly #oldestReceivedAt: SqliteStatement;
  readonly #transaction: (fn: () => void) => void;

  private constructor(private readonly db: SqliteDatabase) {
    this.#insert = db.prepare(`
      INSERT INTO chunks (event_type, event_count, bytes, min_received_at, received_offsets, lines)
      VALUES (@eventType, @eventCount, @bytes, @minReceivedAt, @receivedOffsets, @lines)`);
    this.#delete = db.prepare('DELETE FROM chunks WHERE id = ?');
    this.#read = db.prepare(`
      SELECT event_type AS eventType, event_count AS eventCount,
        min_received_at AS minReceivedAt, received_offsets AS receivedOffsets, lines
      FROM chunks WHERE id = ?`);
    this.#oldestFirst = db.prepare(`
      SELECT id, event_count AS eventCount, bytes
      FROM chunks ORDER BY min_received_at, id`);
    this.#oldestReceivedAt = db.prepare(
      'SELECT min(min_received_at) AS oldest FROM chunks',
    );
    this.#transaction = db.transaction((fn: () => void) => fn());
  }

  contents(): LocalTransportContents {
    const row = this.db
      .prepare(
        'SELECT total(event_count) AS events, total(bytes) AS bytes FROM chunks',
      )
      .get() as LocalTransportContents;
    return { events: row.events, bytes: row.bytes };
  }

  /** Runs `fn` in one transaction, committed (and synced) on return. */
  write(fn: () => void): void {
    this.#transaction(fn);
  }

  insert(chunk: EventChunk): void {
    this.#insert.run(chunk);
  }

  delete(ids: readonly number[]): void {
    for (const id of ids) {
      this.#delete.run(id);
    }
  }

  /** Every chunk's size, oldest first; stop early with `break`. */
  sizesOldestFirst(): IterableIterator<ChunkSize> {
    return this.#oldestFirst.iterate() as IterableIterator<ChunkSize>;
  }

  read(id: number): StoredChunk {
    return this.#read.get(id) as StoredChunk;
  }

  oldestReceivedAt(): number | undefined {
    const row = this.#oldestReceivedAt.get() as { oldest: number | null };
    return row.oldest ?? undefined;
  }

  close(): void {
    this.db.close();
  }
}

type ChunkSize = { id: number; eventCount: number; bytes: number };

type Lease = {
  chunkIds: number[];
  events: number;
  bytes: number;
  expiresAt: number;
};

/**
 * Who holds which chunks, in memory only: after a restart nobody does, so
 * everything not acknowledged is offered again.
 */
class Leases {
  readonly #byClaim = new Map<string, Lease>();
  readonly #heldChunks = new Set<number>();

  /** Drops the leases that expired, which frees their chunks. */
  expire(now: number): void {
    for (const [claimId, lease] of this.#byClaim) {
      if (lease.expiresAt <= now) {
        this.drop(claimId);
      }
    }
  }

  isHeld(chunkId: number): boolean {
    return this.#heldChunks.has(chunkId);
  }

  hold(claimId: string, lease: Lease): void {
    this.#byClaim.set(claimId, lease);
    for (const id of lease.chunkIds) {
      this.#heldChunks.add(id);
    }
  }

  /** The claim's lease, unless it expired (or was never granted). */
  current(claimId: string, now: number): Lease | undefined {
    const lease = this.#byClaim.get(claimId);
    return lease && lease.expiresAt > now ? lease : undefined;
  }

  drop(claimId: string): void {
    const lease = this.#byClaim.get(claimId);
    if (lease) {
      this.#byClaim.delete(claimId);
      for (const id of lease.chunkIds) {
        this.#heldChunks.delete(id);
      }
    }
  }
}

type Request<Op extends LocalTransportRequest['op']> = Extract<
  LocalTransportRequest,
  { op: Op }
>;

/**
 * Answers the transport's requests with group commit: requests that queue up
 * while a commit is syncing are written together in the next transaction,
 * so one sync serves them all.
 */
class LocalTransportWorker {
  readonly #leases = new Leases();
  #queue: LocalTransportRequest[] = [];
  #drainScheduled = false;

  constructor(
    private readonly file: ChunkFile,
    private readonly port: MessagePort,
  ) {}

  listen(): void {
    this.port.on('message', (request: LocalTransportRequest) => {
      this.#queue.push(request);
      if (!this.#drainScheduled) {
        this.#drainScheduled = true;
        // After the messages that arrived together, not after the first.
        setImmediate(() => this.#drain());
      }
    });
  }

  #drain(): void {
    this.#drainScheduled = false;
    const batch = this.#queue;
    this.#queue = [];

    const replies = this.#write(batch);
    // The rest only once the writes are committed, so that a claim never
    // hands out events whose publish could still fail.
    for (const request of batch) {
      if (!replies.has(request.id)) {
        replies.set(
          request.id,
          this.#attempt(request.id, () => this.#afterCommit(request)),
        );
      }
    }
    for (const request of batch) {
      this.port.postMessage(replies.get(request.id));
    }
    if (batch.some(request => request.op === 'close')) {
      // Replies already posted are still delivered; then the thread ends.
      this.port.close();
    }
  }

  /** Publishes and acks of the batch, in one transaction. */
  #write(batch: LocalTransportRequest[]): Map<number, LocalTransportReply> {
    const replies = new Map<number, LocalTransportReply>();
    const writes = batch.filter(
      (r): r is Request<'publish' | 'ack'> =>
        r.op === 'publish' || r.op === 'ack',
    );
    if (writes.length === 0) {
      return replies;
    }
    const now = Date.now();
    const acked: string[] = [];
    try {
      this.file.write(() => {
        for (const request of writes) {
          if (request.op === 'publish') {
            request.chunks.forEach(chunk => this.file.insert(chunk));
            replies.set(request.id, { id: request.id, result: undefined });
          } else {
            const result = this.#ack(request.claimId, now);
            replies.set(request.id, { id: request.id, result });
            acked.push(request.claimId);
          }
        }
      });
    } catch (error) {
      for (const request of writes) {
        replies.set(request.id, { id: request.id, error: serialize(error) });
      }
      return replies;
    }
    // Only now: had the commit failed, the acked chunks would still be held.
    acked.forEach(claimId => this.#leases.drop(claimId));
    return replies;
  }

  #afterCommit(
    request: LocalTransportRequest,
  ): LocalTransportResults[LocalTransportOp] {
    switch (request.op) {
      case 'claim':
        return this.#claim(request);
      case 'release':
        this.#leases.drop(request.claimId);
        return undefined;
      case 'oldestReceivedAt':
        return this.file.oldestReceivedAt();
      case 'close':
        this.file.close();
        return undefined;
      default:
        throw new Error(`Unexpected ${request.op} after the commit`);
    }
  }

  #ack(claimId: string, now: number): LocalTransportResults['ack'] {
    const lease = this.#leases.current(claimId, now);
    if (!lease) {
      return { expired: true };
    }
    this.file.delete(lease.chunkIds);
    return { expired: false, events: lease.events, bytes: lease.bytes };
  }

  #claim(request: Request<'claim'>): StoredChunk[] {
    const now = Date.now();
    this.#leases.expire(now);
    const lease: Lease = {
      chunkIds: [],
      events: 0,
      bytes: 0,
      expiresAt: now + request.leaseMs,
    };
    for (const chunk of this.file.sizesOldestFirst()) {
      if (!this.#leases.isHeld(chunk.id)) {
        lease.chunkIds.push(chunk.id);
        lease.events += chunk.eventCount;
        lease.bytes += chunk.bytes;
        if (lease.events >= request.maxEvents) {
          break;
        }
      }
    }
    if (lease.chunkIds.length === 0) {
      return [];
    }
    this.#leases.hold(request.claimId, lease);
    return lease.chunkIds.map(id => this.file.read(id));
  }

  #attempt(
    id: number,
    fn: () => LocalTransportResults[LocalTransportOp],
  ): LocalTransportReply {
    try {
      return { id, result: fn() };
    } catch (error) {
      return { id, error: serialize(error) };
    }
  }
}

function syncDirectory(directory: string) {
  const fd = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function serialize(error: unknown): SerializedError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

function isWorkerData(data: unknown): data is LocalTransportWorkerData {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as Partial<LocalTransportWorkerData>).localTransportWorker === true
  );
}

// The main thread imports this module only for its file name.
if (!isMainThread && parentPort && isWorkerData(workerData)) {
  const port = parentPort;
  let ready: LocalTransportReady;
  let file: ChunkFile | undefined;
  try {
    file = ChunkFile.open(workerData.file);
    ready = { ready: true, contents: file.contents() };
  } catch (error) {
    ready = { ready: false, error: serialize(error) };
  }
  port.postMessage(ready);
  if (file) {
    new LocalTransportWorker(file, port).listen();
  }
}
