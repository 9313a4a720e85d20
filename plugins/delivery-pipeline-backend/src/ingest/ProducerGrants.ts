import { Config } from '@backstage/config';

type Restriction = {
  eventTypes?: Matcher;
  sources?: Matcher;
};

/** Matches exact values, or prefixes for patterns that end in `*`. */
type Matcher = (value: string) => boolean;

/**
 * What each producer may send, from `deliveryPipeline.ingest.producers`: a
 * subject listed there is limited to its event types and sources, a subject
 * not listed is not limited.
 */
export class ProducerRestrictions {
  readonly #bySubject: Map<string, Restriction>;

  static fromConfig(config: Config): ProducerRestrictions {
    const entries =
      config.getOptionalConfigArray('deliveryPipeline.ingest.producers') ?? [];
    return new ProducerRestrictions(
      entries.map(entry => ({
        subject: entry.getString('subject'),
        eventTypes: entry.getOptionalStringArray('eventTypes'),
        sources: entry.getOptionalStringArray('sources'),
      })),
    );
  }

  constructor(
    producers: Array<{
      subject: string;
      eventTypes?: string[];
      sources?: string[];
    }>,
  ) {
    this.#bySubject = new Map(
      producers.map(producer => [
        producer.subject,
        {
          eventTypes: producer.eventTypes && matcher(producer.eventTypes),
          sources: producer.sources && matcher(producer.sources),
        },
      ]),
    );
  }

  /** Why `subject` may not send this event, or `undefined` when it may. */
  check(
    subject: string,
    event: { type: string; source: string },
  ): string | undefined {
    const restriction = this.#bySubject.get(subject);
    if (restriction?.eventTypes && !restriction.eventTypes(event.type)) {
      return `Producer '${subject}' may not send events of type '${event.type}' (deliveryPipeline.ingest.producers)`;
    }
    if (restriction?.sources && !restriction.sources(event.source)) {
      return `Producer '${subject}' may not send events from source '${event.source}' (deliveryPipeline.ingest.producers)`;
    }
    return undefined;
  }
}

function matcher(patterns: string[]): Matcher {
  const exact = new Set(patterns.filter(p => !p.endsWith('*')));
  const prefixes = patterns
    .filter(p => p.endsWith('*'))
    .map(p => p.slice(0, -1));
  return value =>
    exact.has(value) || prefixes.some(prefix => value.startsWith(prefix));
}
