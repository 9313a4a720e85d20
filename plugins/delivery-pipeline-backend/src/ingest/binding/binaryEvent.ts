import type { IncomingHttpHeaders } from 'node:http';
import { ATTRIBUTE_NAME, AttributeLabel } from './attributes';
import { headerValue } from './headers';
import { decodeHeaderValue } from './percentDecode';

/** Binary mode names attributes by the header that carries them. */
export const binaryAttributeLabel: AttributeLabel = name =>
  name === 'datacontenttype'
    ? `"datacontenttype" (Content-Type header)`
    : `"${name}" (header ce-${name})`;

export type BinaryAttributes = {
  /** The decoded attributes, `datacontenttype` from Content-Type included. */
  attributes: Record<string, unknown>;
  /** Headers that could not become attributes, one sentence each. */
  problems: string[];
};

/**
 * Reads the event attributes of a binary-mode request from its `ce-*`
 * headers (binding section 3.1.3) and Content-Type (section 3.1.1). Every
 * value stays a string: headers carry no types, and the JSON format reads
 * a string as any attribute type.
 */
export function binaryAttributes(
  headers: IncomingHttpHeaders,
): BinaryAttributes {
  const attributes: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const header of Object.keys(headers)) {
    if (!header.startsWith('ce-')) continue;
    const raw = headerValue(headers, header);
    if (raw === undefined) continue;
    const name = header.slice(3);
    const problem = checkHeaderName(header, name);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const decoded = decodeHeaderValue(raw);
    if (decoded.ok) {
      attributes[name] = decoded.value;
    } else {
      problems.push(`Header ${header} ${decoded.problem}`);
    }
  }
  const contentType = headerValue(headers, 'content-type')?.trim();
  if (contentType) attributes.datacontenttype = contentType;
  return { attributes, problems };
}

function checkHeaderName(header: string, name: string): string | undefined {
  if (name === 'datacontenttype') {
    return (
      'Header ce-datacontenttype must not be sent in binary mode: the Content-Type header ' +
      'carries the content type of the data'
    );
  }
  if (name === 'data') {
    return 'Header ce-data is not allowed: in binary mode the event data is the request body';
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    return (
      `Header ${header} does not name a valid attribute: after "ce-", CloudEvents attribute ` +
      'names contain only letters a-z and digits 0-9'
    );
  }
  return undefined;
}

/**
 * What a failed-events store keeps of a binary-mode event: the headers
 * that make up the event, as received, and the body. Other headers (such
 * as Authorization) are left out on purpose.
 */
export function binaryRaw(
  headers: IncomingHttpHeaders,
  body: string | undefined,
): string {
  const eventHeaders: Record<string, string> = {};
  for (const header of Object.keys(headers)) {
    const value = headerValue(headers, header);
    if (
      value !== undefined &&
      (header.startsWith('ce-') || header === 'content-type')
    ) {
      eventHeaders[header] = value;
    }
  }
  return JSON.stringify({ headers: eventHeaders, body });
}
