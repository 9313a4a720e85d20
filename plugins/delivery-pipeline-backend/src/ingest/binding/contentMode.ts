import type { IncomingHttpHeaders } from 'node:http';
import { BindingError } from './BindingError';
import { quote } from './describeValue';
import { headerValue } from './headers';
import {
  isJsonMediaType,
  isUtf8Charset,
  MediaType,
  parseMediaType,
} from './mediaType';

/** The three content modes of the CloudEvents HTTP binding, section 1.3. */
export type ContentMode = 'structured' | 'binary' | 'batch';

export const STRUCTURED_MEDIA_TYPE = 'application/cloudevents+json';
export const BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

/** Appended to every 415 about the mode, so a producer sees all the options. */
export const ACCEPTED_FORMS =
  'Send CloudEvents 1.0 in one of these forms: ' +
  `structured (Content-Type: ${STRUCTURED_MEDIA_TYPE}; the body is one event), ` +
  `batched (Content-Type: ${BATCH_MEDIA_TYPE}; the body is a JSON array of events) ` +
  'or binary (headers ce-specversion: 1.0, ce-id, ce-source, ce-type and ' +
  'Content-Type: application/json; the body is the event data).';

/** What the headers say about how to read the body. */
export type ContentModeInfo = {
  mode: ContentMode;
  /** The parsed Content-Type; absent only in binary mode without one. */
  mediaType?: MediaType;
};

/**
 * Decides the content mode from the headers (binding sections 3.1-3.3).
 * Throws a 415 BindingError when the request is none of the three, or uses
 * an event format or charset other than JSON in UTF-8.
 */
export function detectContentMode(
  headers: IncomingHttpHeaders,
): ContentModeInfo {
  const contentType = headerValue(headers, 'content-type')?.trim() || undefined;
  if (contentType === undefined) {
    if (headers['ce-specversion'] !== undefined) return { mode: 'binary' };
    const problem =
      missingSpecversion(headers) ?? 'The request has no Content-Type header.';
    throw new BindingError(415, `${problem} ${ACCEPTED_FORMS}`);
  }

  const shown = quote(contentType);
  const mediaType = parseMediaType(contentType);
  if (!mediaType) {
    throw new BindingError(
      415,
      `Content-Type ${shown} is not a valid media type. ${ACCEPTED_FORMS}`,
    );
  }
  const essence = `${mediaType.type}/${mediaType.subtype}`;
  if (essence === STRUCTURED_MEDIA_TYPE || essence === BATCH_MEDIA_TYPE) {
    requireUtf8(mediaType, shown);
    const mode = essence === BATCH_MEDIA_TYPE ? 'batch' : 'structured';
    return { mode, mediaType };
  }
  if (/^application\/cloudevents(-batch)?\+/.test(essence)) {
    throw new BindingError(
      415,
      `Content-Type ${shown} uses an event format this endpoint does not read: only the ` +
        `JSON format is supported (${STRUCTURED_MEDIA_TYPE} or ${BATCH_MEDIA_TYPE}).`,
    );
  }

  if (headers['ce-specversion'] !== undefined) {
    if (!isJsonMediaType(mediaType)) {
      throw new BindingError(
        415,
        `Content-Type ${shown} is not JSON. In binary mode the body is the event data, which ` +
          'is validated against the JSON schema of its event type, so it must be JSON: use ' +
          'Content-Type: application/json (or another */json or */*+json type).',
      );
    }
    requireUtf8(mediaType, shown);
    return { mode: 'binary', mediaType };
  }

  const hint = isJsonMediaType(mediaType)
    ? ` If the body is a CloudEvent in JSON, use Content-Type: ${STRUCTURED_MEDIA_TYPE}.`
    : '';
  const problem =
    missingSpecversion(headers) ??
    `Content-Type ${shown} is not a CloudEvents content type.${hint}`;
  throw new BindingError(415, `${problem} ${ACCEPTED_FORMS}`);
}

function requireUtf8(mediaType: MediaType, shownContentType: string) {
  if (!isUtf8Charset(mediaType)) {
    const charset = quote(mediaType.parameters.charset!);
    throw new BindingError(
      415,
      `Content-Type ${shownContentType} declares charset ${charset}, but JSON must be sent ` +
        'as UTF-8: use charset=utf-8 or leave the charset out.',
    );
  }
}

/** What is wrong when there are ce- headers but no ce-specversion. */
function missingSpecversion(headers: IncomingHttpHeaders): string | undefined {
  const ceHeaders = Object.keys(headers).filter(
    name => name.startsWith('ce-') && headers[name] !== undefined,
  );
  if (ceHeaders.length === 0) return undefined;
  return (
    `The request has CloudEvents headers (${ceHeaders.join(', ')}) but no ` +
    'ce-specversion header, which binary mode requires: add ce-specversion: 1.0.'
  );
}
