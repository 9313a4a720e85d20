/**
 * The CloudEvents 1.0 HTTP protocol binding for the ingest endpoint: from
 * an HTTP request to events, or to the reasons they were refused.
 *
 *   const body = await readBody(req, limits); // may throw BindingError
 *   const { mode, items } = parseCloudEvents({ headers: req.headers, body, limits });
 *
 * A BindingError (400, 413 or 415) refuses the whole request; otherwise
 * each item is an accepted event (with its JSON) or a rejection with a
 * reason for the producer. Mount the route before any body-parsing
 * middleware: readBody needs the untouched stream.
 */
export { BindingError } from './BindingError';
export { DEFAULT_BINDING_LIMITS } from './limits';
export type { BindingLimits } from './limits';
export { readBody } from './readBody';
export type { BodySource } from './readBody';
export { parseCloudEvents } from './parseCloudEvents';
export type { ContentMode } from './contentMode';
export { percentEncode } from './percentDecode';
export type {
  AcceptedItem,
  CloudEventJson,
  ParsedEvent,
  ParsedRequest,
  ParseItem,
  RejectedItem,
} from './types';
