import { IncomingHttpHeaders } from 'node:http';

/**
 * What ingest answered for one request of an in-process producer: the same
 * body `POST /api/delivery-pipeline/events` answers with.
 *
 * @public
 */
export type InProcessIngestResponse = {
  /** Events published to the transport. */
  accepted: number;
  /** Events kept as failed events, with their position in the request. */
  rejected: Array<{ index: number; id?: string; reason: string }>;
  /**
   * The deprecated event types among the accepted events, each once; absent
   * when there are none.
   */
  deprecated?: Array<{
    eventType: string;
    /** Why, when it stops accepting events and what to send instead. */
    notice: string;
    deprecatedAt: string;
    sunsetAt?: string;
    successor?: string;
  }>;
};

/**
 * Hands one request to ingest, as `POST /api/delivery-pipeline/events`
 * would: the body in any mode of the CloudEvents HTTP binding, with its
 * headers (`content-type` decides the mode). Rejects as that endpoint
 * answers an error, e.g. with `TransportFullError` while the transport is
 * full.
 *
 * @public
 */
export type InProcessSend = (request: {
  headers: IncomingHttpHeaders;
  body: Buffer;
}) => Promise<InProcessIngestResponse>;

/**
 * A producer that runs inside the backend and sends through the plugin's
 * ingest without HTTP, e.g. demo traffic. Its events are checked like any
 * other (schema, limits, personal data); only the producer authorization
 * is skipped, because installing the module is the grant.
 *
 * @public
 */
export interface InProcessProducer {
  /**
   * The producer the events are sent as, recorded on failed events and in
   * the audit log. Unique among the added producers.
   */
  readonly name: string;
  /**
   * Called once the plugin has started (its consumer runs), with the
   * function to send through. Should return promptly and keep sending in
   * the background. Other plugins, the schema registry among them, may
   * still be starting: sends then reject with a 503 error for a while, so
   * a producer should carry on after errors.
   */
  start(send: InProcessSend): void | Promise<void>;
  /**
   * Called at shutdown, before the transport closes; resolves once nothing
   * is sent any more. The `send` given to `start` may reject after this.
   */
  stop(): Promise<void>;
}
