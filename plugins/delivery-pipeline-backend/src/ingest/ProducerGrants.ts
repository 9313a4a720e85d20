import { Config } from '@backstage/config';
import { normalizeSource } from './normalizeSource';

type Grant = {
  eventTypes: Matcher;
  /** Absent: any source. */
  sources?: Matcher;
};

type Matcher = (value: string) => boolean;

const CONFIG_KEY = 'deliveryPipeline.ingest.producers';

/**
 * What each service may produce, from `deliveryPipeline.ingest.producers`:
 * the event types (exact, or prefixes ending in `*`; `*` alone for all) and
 * optionally the sources a listed subject may send. A service that is not
 * listed may send nothing. Services have no user for a permission policy
 * to decide on, so their grants live in config; users are decided by the
 * policy (`delivery-pipeline.event-type.produce`).
 */
export class ProducerGrants {
  readonly #bySubject: Map<string, Grant>;

  static fromConfig(config: Config): ProducerGrants {
    const entries = config.getOptionalConfigArray(CONFIG_KEY) ?? [];
    return new ProducerGrants(
      entries.map(entry => ({
        subject: entry.getString('subject'),
        eventTypes: entry.getStringArray('eventTypes'),
        sources: entry.getOptionalStringArray('sources'),
      })),
    );
  }

  constructor(
    producers: Array<{
      subject: string;
      eventTypes: string[];
      sources?: string[];
    }>,
  ) {
    this.#bySubject = new Map(
      producers.map(producer => [
        producer.subject,
        {
          eventTypes: typeMatcher(producer.eventTypes),
          sources: producer.sources && sourceMatcher(producer.sources),
        },
      ]),
    );
  }

  /**
   * Why service `subject` may not send this event, or `undefined` when it
   * may. Without a source (an event that could not be parsed, which is
   * never delivered) only its type is checked.
   */
  check(
    subject: string,
    event: { type: string; source?: string },
  ): string | undefined {
    const grant = this.#bySubject.get(subject);
    if (!grant) {
      return `Service '${subject}' may not produce events: it is not listed in ${CONFIG_KEY}`;
    }
    if (!grant.eventTypes(event.type)) {
      return `Service '${subject}' may not produce events of type '${event.type}' (${CONFIG_KEY})`;
    }
    if (
      grant.sources &&
      event.source !== undefined &&
      !grant.sources(event.source)
    ) {
      return `Service '${subject}' may not produce events from source '${event.source}' (${CONFIG_KEY}; sources are compared in normal form, without '..', '.' or empty segments)`;
    }
    return undefined;
  }
}

/** Exact names, or prefixes for patterns that end in `*`. */
function typeMatcher(patterns: string[]): Matcher {
  const exact = new Set(patterns.filter(p => !p.endsWith('*')));
  const prefixes = patterns
    .filter(p => p.endsWith('*'))
    .map(p => p.slice(0, -1));
  return value =>
    exact.has(value) || prefixes.some(prefix => value.startsWith(prefix));
}

/**
 * Sources compared in normal form ({@link normalizeSource}), so that no
 * spelling of a source outside a grant falls inside it. `…/*` grants the
 * path and everything below it; any other `*` suffix is a plain prefix.
 */
function sourceMatcher(patterns: string[]): Matcher {
  const matchers = patterns.map((pattern): Matcher => {
    if (pattern === '*') return () => true;
    if (pattern.endsWith('/*')) {
      const base = normalizeSource(pattern.slice(0, -2)) ?? pattern;
      return source => source === base || source.startsWith(`${base}/`);
    }
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      const normal = normalizeSource(prefix) ?? prefix;
      return source => source.startsWith(normal);
    }
    const exact = normalizeSource(pattern) ?? pattern;
    return source => source === exact;
  });
  return value => {
    const source = normalizeSource(value);
    return source !== undefined && matchers.some(matches => matches(source));
  };
}
