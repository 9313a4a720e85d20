import { EventChunk, StoredChunk } from './chunks';

/** What the local transport's worker is started with. */
export type LocalTransportWorkerData = {
  localTransportWorker: true;
  /** The SQLite file; its folder exists. */
  file: string;
};

/** What the file holds when it is opened. */
export type LocalTransportContents = {
  events: number;
  bytes: number;
};

/**
 * Asks the worker for something; answered by the reply with the same `id`.
 * The worker answers in order, and writes every request of one batch in one
 * transaction.
 */
export type LocalTransportRequest = { id: number } & (
  | { op: 'publish'; chunks: EventChunk[] }
  | { op: 'claim'; claimId: string; maxEvents: number; leaseMs: number }
  | { op: 'ack'; claimId: string }
  | { op: 'release'; claimId: string }
  | { op: 'oldestReceivedAt' }
  | { op: 'close' }
);

export type LocalTransportOp = LocalTransportRequest['op'];

/** What each operation answers with. */
export type LocalTransportResults = {
  publish: undefined;
  /** Empty when no chunk is free. */
  claim: StoredChunk[];
  /** `expired` when the claim was not held any more; nothing was removed. */
  ack: { expired: true } | { expired: false; events: number; bytes: number };
  release: undefined;
  /** Of the chunks in the file, claimed or not. */
  oldestReceivedAt: number | undefined;
  close: undefined;
};

export type SerializedError = { name: string; message: string };

/** The worker's first message: whether the file is open. */
export type LocalTransportReady =
  | { ready: true; contents: LocalTransportContents }
  | { ready: false; error: SerializedError };

export type LocalTransportReply =
  | { id: number; result: LocalTransportResults[LocalTransportOp] }
  | { id: number; error: SerializedError };
