import { NotAllowedError } from '@backstage/errors';
import { EventTransport } from '@data-collection/plugin-delivery-pipeline-node';
import { IncomingHttpHeaders } from 'node:http';
import { FailedEventStore } from '../database/FailedEventStore';
import { ingestCounters } from '../metrics';
import { PersonalDataProtector } from '../personalData/PersonalDataProtector';
import { EventTypeValidators } from '../registry/EventTypeValidators';
import {
  BindingError,
  BindingLimits,
  parseCloudEvents,
  ParseItem,
} from './binding';
import {
  CheckedEvent,
  checkAgainstRegistry,
  DeprecatedEventType,
  Rejection,
  stampReceived,
} from './checkAgainstRegistry';
import { Producer } from './ProducerAuthorization';

/** Distinct refusals quoted in a 403: enough to fix it, bounded in size. */
const MAX_REASONS_QUOTED = 3;

/** What `POST /events` answers with 202. */
export type IngestResponse = {
  accepted: number;
  rejected: Array<{ index: number; id?: string; reason: string }>;
  /**
   * The deprecated types among the accepted events, when there are any: the
   * producer should move to their successors before their sunset dates.
   */
  deprecated?: DeprecatedEventType[];
};

/** What a replay of failed events did. */
export type ReplayOutcome = {
  replayed: number;
  failedAgain: Array<{ id: string; reason: string }>;
};

/** Events of a request that their producer may not send (for the audit log). */
export type RefusedEvents = {
  producer: string;
  /** The distinct types refused. */
  eventTypes: string[];
  /** How many events were refused. */
  events: number;
  /** The distinct reasons. */
  reasons: string[];
};

export type IngestServiceOptions = {
  validators: EventTypeValidators;
  transport: EventTransport;
  personalData: PersonalDataProtector;
  failedEvents: FailedEventStore;
  limits: BindingLimits;
  /** Most bytes of a rejected event's payload kept. */
  maxFailedPayloadBytes: number;
};

/** A failed event to send through the checks again, its payload opened. */
export type ReplayItem = {
  id: string;
  reason: string;
  payload: string;
  payloadTruncated: boolean;
  eventType?: string;
};

/**
 * Events in: parses a request in any mode of the CloudEvents HTTP binding,
 * checks every event against the registry, seals their personal data,
 * publishes the accepted ones to the transport (resolving once they are
 * durable) and keeps the rejected ones, sealed, as failed events with their
 * reasons.
 */
export class IngestService {
  readonly #options: IngestServiceOptions;

  constructor(options: IngestServiceOptions) {
    this.#options = options;
  }

  /**
   * Handles one request. Throws a {@link BindingError} (400, 410, 413, 415) for a
   * request that holds no readable events, `NotAllowedError` when the
   * producer may send none of its events, and the transport's
   * `TransportFullError` when it is at its bound (nothing is kept). Events
   * the producer may not send are never kept, not even as failed events;
   * in a batch with others they are rejected with their reason, as invalid
   * events are, and `onRefused` hears of them.
   */
  async ingest(request: {
    headers: IncomingHttpHeaders;
    body: Buffer;
    producer: Producer;
    onRefused?: (refused: RefusedEvents) => Promise<void>;
  }): Promise<IngestResponse> {
    const { mode, items } = parseCloudEvents({
      headers: request.headers,
      body: request.body,
      limits: this.#options.limits,
    });
    const checked = await this.#check(items, request.producer);
    const refused = checked.rejected.filter(rejection => rejection.refused);
    if (refused.length > 0) {
      const reasons = [...new Set(refused.map(r => r.reason))];
      await request.onRefused?.({
        producer: request.producer.name,
        eventTypes: [...new Set(refused.flatMap(r => r.eventType ?? []))],
        events: refused.length,
        reasons,
      });
      if (refused.length === items.length) {
        ingestCounters.received.add(items.length);
        ingestCounters.rejected.add(items.length);
        throw new NotAllowedError(
          reasons.length > MAX_REASONS_QUOTED
            ? `${reasons.slice(0, MAX_REASONS_QUOTED).join('; ')} (and ${
                reasons.length - MAX_REASONS_QUOTED
              } more)`
            : reasons.join('; '),
        );
      }
    }
    const receivedAt = Date.now();
    if (checked.accepted.length > 0) {
      await this.#options.transport.publish(
        stampReceived(checked.accepted, receivedAt),
      );
    }
    await this.#keepRejected(
      checked.rejected,
      request.producer.name,
      receivedAt,
    );
    ingestCounters.received.add(
      checked.accepted.length + checked.rejected.length,
    );
    ingestCounters.accepted.add(checked.accepted.length);
    ingestCounters.rejected.add(checked.rejected.length);

    if (mode !== 'batch' && checked.rejected.length > 0) {
      // One event, refused: the status says so, and the reason is kept.
      const [{ reason, tooLarge, retired }] = checked.rejected;
      let status: 400 | 410 | 413 = 400;
      if (tooLarge) status = 413;
      else if (retired) status = 410;
      throw new BindingError(status, reason);
    }
    return {
      accepted: checked.accepted.length,
      rejected: checked.rejected.map(({ index, eventId, reason }) => ({
        index,
        id: eventId,
        reason,
      })),
      ...(checked.deprecated.length > 0
        ? { deprecated: checked.deprecated }
        : {}),
    };
  }

  /**
   * Sends failed events through the checks again, as structured events
   * received now: those that pass (the schema was fixed, the type
   * registered) enter the pipeline; the others keep their new reason.
   */
  async replay(
    failed: ReplayItem[],
    producer: Producer,
  ): Promise<ReplayOutcome & { replayedIds: string[] }> {
    // A replay follows a fix in the registry: use its state now, not a
    // cached one.
    for (const eventType of new Set(failed.map(event => event.eventType))) {
      if (eventType) this.#options.validators.forget(eventType);
    }
    const accepted: CheckedEvent[] = [];
    const replayedIds: string[] = [];
    const failedAgain: Array<{ id: string; reason: string }> = [];
    for (const event of failed) {
      if (event.payloadTruncated) {
        failedAgain.push({
          id: event.id,
          reason: `${event.reason} (cannot be replayed: its payload was cut to deliveryPipeline.failedEvents.maxPayloadBytes)`,
        });
        continue;
      }
      let items: ParseItem[];
      try {
        items = parseCloudEvents({
          headers: { 'content-type': 'application/cloudevents+json' },
          body: Buffer.from(event.payload),
          limits: this.#options.limits,
        }).items;
      } catch (error) {
        failedAgain.push({ id: event.id, reason: (error as Error).message });
        continue;
      }
      const checked = await this.#check(items, producer);
      if (checked.accepted.length > 0) {
        accepted.push(...checked.accepted);
        replayedIds.push(event.id);
      } else {
        failedAgain.push({
          id: event.id,
          reason: checked.rejected[0]?.reason ?? event.reason,
        });
      }
    }
    if (accepted.length > 0) {
      await this.#options.transport.publish(
        stampReceived(accepted, Date.now()),
      );
    }
    return { replayed: replayedIds.length, replayedIds, failedAgain };
  }

  /** The producer's grants and the registry's checks, then personal data sealed. */
  async #check(items: ParseItem[], producer: Producer) {
    const checked = await checkAgainstRegistry({
      items,
      producer,
      validators: this.#options.validators,
    });
    const sealed = await this.#options.personalData.protect(checked.accepted);
    const acceptedTypes = new Set(sealed.accepted.map(e => e.eventType));
    return {
      accepted: sealed.accepted,
      rejected: [...checked.rejected, ...sealed.rejected].sort(
        (a, b) => a.index - b.index,
      ),
      deprecated: checked.deprecated.filter(d =>
        acceptedTypes.has(d.eventType),
      ),
    };
  }

  async #keepRejected(
    rejected: Rejection[],
    producer: string,
    receivedAt: number,
  ): Promise<void> {
    const max = this.#options.maxFailedPayloadBytes;
    const kept = rejected
      .filter(rejection => !rejection.discard)
      .map(rejection => {
        const truncated = Buffer.byteLength(rejection.payload) > max;
        return {
          ...rejection,
          payload: truncated
            ? truncateUtf8(rejection.payload, max)
            : rejection.payload,
          truncated,
        };
      });
    if (kept.length === 0) return;
    const sealed = await this.#options.personalData.sealFailed(kept);
    await this.#options.failedEvents.add(
      kept.flatMap((rejection, i) => {
        const payload = sealed[i];
        // Its data subject's events are refused: not kept, even as failed.
        if (!payload) return [];
        return [
          {
            receivedAt: new Date(receivedAt),
            eventType: rejection.eventType,
            source: rejection.source,
            eventId: rejection.eventId,
            reason: rejection.reason,
            payload: payload.payload,
            keyId: payload.keyId,
            payloadTruncated: rejection.truncated,
            producer,
          },
        ];
      }),
    );
  }
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text).subarray(0, maxBytes);
  // A cut through a multi-byte character decodes as U+FFFD: drop it.
  return bytes.toString('utf8').replace(/\uFFFD$/, '');
}
