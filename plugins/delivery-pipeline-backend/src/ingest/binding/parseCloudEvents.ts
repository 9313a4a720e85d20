import type { IncomingHttpHeaders } from 'node:http';
import {
  binaryAttributeLabel,
  binaryAttributes,
  binaryRaw,
} from './binaryEvent';
import { BindingError } from './BindingError';
import { decodeBody, isBlank, parseJson } from './bodyText';
import { checkEvent, EventOrigin, rejectEvent } from './checkEvent';
import {
  BATCH_MEDIA_TYPE,
  detectContentMode,
  STRUCTURED_MEDIA_TYPE,
} from './contentMode';
import { lowercaseHeaders } from './headers';
import { scanJsonStructure } from './jsonStructure';
import type { BindingLimits } from './limits';
import type { MediaType } from './mediaType';
import type { ParsedRequest, ParseItem } from './types';

/**
 * Reads the CloudEvents in an HTTP request, in any of the three content
 * modes of the CloudEvents 1.0 HTTP binding.
 *
 * Problems with the request as a whole throw a BindingError: no mode
 * (415), unsupported charset (415), a body that is not UTF-8 or not JSON
 * (400: there is no event to speak of), a batch that is not a non-empty
 * array (400) or has too many events (413), and in binary mode a body
 * without a Content-Type (415). Problems with one event make a rejected
 * item; the others are unaffected.
 *
 * The body is parsed with one JSON.parse, after a structural scan that
 * keeps over-deep events from being parsed at all. Registration and data
 * schemas are not checked here.
 */
export function parseCloudEvents(input: {
  headers: IncomingHttpHeaders;
  body: Buffer;
  limits: BindingLimits;
}): ParsedRequest {
  const headers = lowercaseHeaders(input.headers);
  const { mode, mediaType } = detectContentMode(headers);
  switch (mode) {
    case 'structured':
      return { mode, items: [parseStructured(input.body, input.limits)] };
    case 'batch':
      return { mode, items: parseBatch(input.body, input.limits) };
    case 'binary':
      return {
        mode,
        items: [parseBinary(headers, mediaType, input.body, input.limits)],
      };
    default:
      throw new Error(`Unknown content mode ${mode satisfies never}`);
  }
}

function parseStructured(body: Buffer, limits: BindingLimits): ParseItem {
  const text = decodeBody(body);
  if (isBlank(text)) {
    throw new BindingError(
      400,
      `The request body is empty; with Content-Type ${STRUCTURED_MEDIA_TYPE} it must be one event, a JSON object`,
    );
  }
  const structure = scanJsonStructure(text);
  if (!structure.ok) {
    throw new BindingError(
      400,
      `The body is not valid JSON: ${structure.problem}`,
    );
  }
  const origin: EventOrigin = {
    index: 0,
    raw: () => text,
    notAnObjectHint: structure.elements
      ? `; to send several events in an array, use Content-Type: ${BATCH_MEDIA_TYPE}`
      : undefined,
  };
  if (structure.depth > limits.maxEventDepth) {
    return rejectEvent(origin, tooDeep(structure.depth, limits));
  }
  return checkEvent(parseJson(text, 'The body'), origin, limits);
}

function parseBatch(body: Buffer, limits: BindingLimits): ParseItem[] {
  const text = decodeBody(body);
  if (isBlank(text)) {
    throw new BindingError(
      400,
      `The request body is empty; with Content-Type ${BATCH_MEDIA_TYPE} it must be a JSON array of events`,
    );
  }
  const structure = scanJsonStructure(text);
  if (!structure.ok) {
    throw new BindingError(
      400,
      `The body is not valid JSON: ${structure.problem}`,
    );
  }
  const elements = structure.elements;
  if (!elements) {
    const hint = text.trimStart().startsWith('{')
      ? `; to send one event as a JSON object, use Content-Type: ${STRUCTURED_MEDIA_TYPE}`
      : '';
    throw new BindingError(
      400,
      `With Content-Type ${BATCH_MEDIA_TYPE} the body must be a JSON array of events${hint}`,
    );
  }
  if (elements.length === 0) {
    throw new BindingError(400, 'The batch is empty: send at least one event');
  }
  if (elements.length > limits.maxBatchEvents) {
    throw new BindingError(
      413,
      `The batch has ${elements.length} events, more than the limit of ${limits.maxBatchEvents} ` +
        'per request: send them in smaller batches',
    );
  }

  const origin = (index: number): EventOrigin => ({
    index,
    raw: () => text.slice(elements[index].start, elements[index].end).trim(),
  });

  // The array itself is level 1 of the text, so its events are one less.
  if (structure.depth - 1 <= limits.maxEventDepth) {
    const events = parseJson(text, 'The body') as unknown[];
    if (events.length !== elements.length) {
      // The scan and JSON.parse disagree: a bug, not the producer's fault.
      throw new Error(
        `JSON scan found ${elements.length} batch elements, JSON.parse ${events.length}`,
      );
    }
    return events.map((event, index) =>
      checkEvent(event, origin(index), limits),
    );
  }

  // Some events are too deep: parse the others one by one, so the deep
  // ones are never parsed.
  return elements.map((element, index) => {
    if (element.depth > limits.maxEventDepth) {
      return rejectEvent(origin(index), tooDeep(element.depth, limits));
    }
    const elementText = text.slice(element.start, element.end);
    return checkEvent(
      parseJson(elementText, `The event at index ${index}`),
      origin(index),
      limits,
    );
  });
}

function parseBinary(
  headers: IncomingHttpHeaders,
  mediaType: MediaType | undefined,
  body: Buffer,
  limits: BindingLimits,
): ParseItem {
  const { attributes, problems } = binaryAttributes(headers);
  let text: string | undefined;
  if (body.length > 0) {
    if (!mediaType) {
      throw new BindingError(
        415,
        'The request has a body but no Content-Type header. In binary mode the body is the ' +
          'event data, which must be JSON: add Content-Type: application/json',
      );
    }
    text = decodeBody(body);
  }
  const origin: EventOrigin = {
    index: 0,
    raw: () => binaryRaw(headers, text),
    label: binaryAttributeLabel,
    problems,
  };

  if (text !== undefined) {
    const what = 'The body (in binary mode, the event data)';
    const structure = scanJsonStructure(text);
    if (!structure.ok) {
      throw new BindingError(
        400,
        `${what} is not valid JSON: ${structure.problem}`,
      );
    }
    // The data sits inside the event object, one level down.
    if (structure.depth + 1 > limits.maxEventDepth) {
      const reasons = [...problems, tooDeep(structure.depth + 1, limits)];
      return rejectEvent(origin, reasons.join('; '), attributes);
    }
    attributes.data = parseJson(text, what, textDataHint(text));
  }
  return checkEvent(attributes, origin, limits);
}

/**
 * Some clients (the JavaScript CloudEvents SDK among them) send string data
 * unquoted in binary mode, but with a JSON Content-Type it must be a JSON
 * string.
 */
function textDataHint(text: string): string {
  return /^\s*[A-Za-z]/.test(text) && !/^\s*(true|false|null)\b/.test(text)
    ? '. To send text as data, send it as a JSON string, in double quotes'
    : '';
}

function tooDeep(depth: number, limits: BindingLimits): string {
  return (
    `The event nests objects and arrays ${depth} levels deep, more than the limit of ` +
    `${limits.maxEventDepth} (the event object is level 1): flatten its data`
  );
}
