import { ResponseError } from '@backstage/errors';
import {
  parseCiphertext,
  parsePseudonym,
  replaceLeaves,
} from '@data-collection/plugin-delivery-pipeline-common';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The most values the decrypt API opens per request. */
const MAX_BATCH_VALUES = 5000;

/**
 * What a decrypt call gave: the events with their personal values in
 * clear. A value of an erased person (its key is gone) or one changed after
 * it was written (it fails authentication) becomes `null`.
 *
 * @public
 */
export type DecryptedEvents = {
  events: Array<Record<string, unknown>>;
  /** Values opened. */
  opened: number;
  /** Values of erased people, now `null`. */
  erased: number;
  /** Values that failed authentication, now `null`. */
  unreadable: number;
};

/**
 * Options of {@link PersonalDataDecrypter}.
 *
 * @public
 */
export type PersonalDataDecrypterOptions = {
  /**
   * The delivery pipeline's API, e.g.
   * `https://backstage.example.com/api/delivery-pipeline`; in a backend
   * plugin, `() => discovery.getBaseUrl('delivery-pipeline')`.
   */
  baseUrl: string | (() => Promise<string>);
  /**
   * A Backstage token of the job: a user's, an external-access token, or
   * in a backend plugin a plugin request token for `delivery-pipeline`.
   */
  token: string | (() => Promise<string>);
  /**
   * Also turn pseudonyms (`ps1:...`, the data subject's field) back into
   * the clear subject id. Default false: pseudonyms already let a job count
   * and join per person.
   */
  subjects?: boolean;
  /** Values per request, at most 5000 (the default). */
  batchSize?: number;
  fetch?: typeof fetch;
};

/**
 * Decrypts the personal data of delivered events for a batch job allowed to
 * read it (`delivery-pipeline.personal-data.read` on the event type). Keys
 * never leave the pipeline: the job sends the sealed values to the
 * pipeline's decrypt API, which checks the permission and records the read
 * in the audit log, naming `source`.
 *
 * @public
 */
export class PersonalDataDecrypter {
  readonly #options: PersonalDataDecrypterOptions;

  constructor(options: PersonalDataDecrypterOptions) {
    if (
      options.batchSize !== undefined &&
      !(options.batchSize >= 1 && options.batchSize <= MAX_BATCH_VALUES)
    ) {
      throw new Error(`batchSize must be from 1 to ${MAX_BATCH_VALUES}`);
    }
    this.#options = options;
  }

  /**
   * Events of one type with their personal values decrypted (copies; the
   * events given are not changed). `source` names where they come from
   * (a file, a table) in the audit log.
   */
  async decryptEvents(options: {
    eventType: string;
    events: Array<Record<string, unknown>>;
    source?: string;
  }): Promise<DecryptedEvents> {
    const events = options.events.map(event => structuredClone(event));
    const wanted = new Set<string>();
    for (const event of events) {
      replaceLeaves(event, 'data', value => {
        if (typeof value === 'string' && this.#isSealed(value)) {
          wanted.add(value);
        }
        return value;
      });
    }
    const clear = new Map<string, { value: unknown } | { state: string }>();
    const values = [...wanted];
    const size = this.#options.batchSize ?? MAX_BATCH_VALUES;
    for (let i = 0; i < values.length; i += size) {
      const batch = values.slice(i, i + size);
      const results = await this.#decrypt(
        options.eventType,
        batch,
        options.source,
      );
      batch.forEach((value, j) => clear.set(value, results[j]));
    }
    const counts = { opened: 0, erased: 0, unreadable: 0 };
    for (const event of events) {
      replaceLeaves(event, 'data', value => {
        const result = typeof value === 'string' && clear.get(value);
        if (!result) return value;
        if ('value' in result) {
          counts.opened += 1;
          return result.value;
        }
        counts[result.state === 'erased' ? 'erased' : 'unreadable'] += 1;
        return null;
      });
    }
    return { events, ...counts };
  }

  #isSealed(value: string): boolean {
    return (
      parseCiphertext(value) !== undefined ||
      (this.#options.subjects === true && parsePseudonym(value) !== undefined)
    );
  }

  async #decrypt(
    eventType: string,
    values: string[],
    source?: string,
  ): Promise<Array<{ value: unknown } | { state: string }>> {
    const resolve = async (v: string | (() => Promise<string>)) =>
      typeof v === 'string' ? v : v();
    const response = await (this.#options.fetch ?? fetch)(
      `${await resolve(this.#options.baseUrl)}/personal-data/decrypt`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${await resolve(this.#options.token)}`,
        },
        body: JSON.stringify({ eventType, values, source }),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const { results } = (await response.json()) as {
      results: Array<{ value: unknown } | { state: string }>;
    };
    return results;
  }
}

/**
 * The events of one delivered file (gzip NDJSON, as the pipeline writes
 * them), decrypted batch by batch as they are read.
 *
 * @public
 */
export async function* decryptDeliveredFile(options: {
  decrypter: PersonalDataDecrypter;
  eventType: string;
  /** The file's bytes or a stream of them. */
  content: Buffer | Readable;
  /** Names the file in the audit log. */
  source?: string;
  /** Events per decrypt call. Default 1000. */
  batchEvents?: number;
}): AsyncGenerator<Record<string, unknown>> {
  const input = Buffer.isBuffer(options.content)
    ? Readable.from([options.content])
    : options.content;
  const lines = createInterface({
    input: input.pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  const batchEvents = options.batchEvents ?? 1000;
  let batch: Array<Record<string, unknown>> = [];
  const flush = async () => {
    const { events } = await options.decrypter.decryptEvents({
      eventType: options.eventType,
      events: batch,
      source: options.source,
    });
    batch = [];
    return events;
  };
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line));
    if (batch.length >= batchEvents) yield* await flush();
  }
  if (batch.length > 0) yield* await flush();
}
