import { InputError } from '@backstage/errors';
import { measureValue } from '@data-collection/plugin-event-schemas-common';
import { RegistryConfig } from './config';
import { PayloadTooLargeError } from './errors';

/**
 * Holds the data of a `/validate` request to the limits ingest holds an
 * event to, so that validating costs no more than sending: nesting first
 * (serializing is recursive, measuring is not), then the size of its JSON.
 * Ingest counts the event envelope as level 1, so the data may nest one
 * level less than `maxEventDepth`.
 */
export function checkEventLimits(options: {
  data: unknown;
  limits: Pick<RegistryConfig['limits'], 'maxEventBytes' | 'maxEventDepth'>;
}): void {
  const { data, limits } = options;
  const maxDepth = limits.maxEventDepth - 1;
  const { depth } = measureValue({ value: data, maxDepth });
  if (depth > maxDepth) {
    throw new InputError(
      `The data nests objects and arrays more than ${maxDepth} levels deep; events may nest at most ${limits.maxEventDepth} levels, the event itself included (eventSchemas.limits.maxEventDepth)`,
    );
  }
  const json = JSON.stringify(data) ?? '';
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: count only when it matters.
  if (json.length * 3 > limits.maxEventBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > limits.maxEventBytes) {
      throw new PayloadTooLargeError(
        `The data is ${bytes} bytes of JSON, more than events may be (${limits.maxEventBytes} bytes, eventSchemas.limits.maxEventBytes)`,
      );
    }
  }
}
