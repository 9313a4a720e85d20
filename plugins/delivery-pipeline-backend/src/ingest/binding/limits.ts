/** Bounds on what one ingest request may contain; exceeding one is a 4xx. */
export type BindingLimits = {
  /** Largest request body in bytes, after gzip decoding. */
  maxRequestBytes: number;
  /** Largest single event in UTF-8 bytes of its JSON (attributes and data). */
  maxEventBytes: number;
  /** Most events in one batched request. */
  maxBatchEvents: number;
  /**
   * Deepest nesting of objects and arrays in one event. The event object
   * itself is level 1, so `data: { a: [] }` is level 3.
   */
  maxEventDepth: number;
};

export const DEFAULT_BINDING_LIMITS: Readonly<BindingLimits> = Object.freeze({
  maxRequestBytes: 1024 * 1024,
  maxEventBytes: 256 * 1024,
  maxBatchEvents: 1000,
  maxEventDepth: 64,
});
