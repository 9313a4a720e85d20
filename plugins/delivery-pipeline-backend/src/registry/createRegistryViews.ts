import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  EVENT_SCHEMAS_TOPIC,
  isEventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { PipelineConfig } from '../config';
import { EventTypePolicies } from '../policies/EventTypePolicies';
import { EventTypeValidators } from './EventTypeValidators';

/**
 * The registry as the stages see it, cached: the validators of each type's
 * versions (ingest, the router) and each type's policy (SLA, retention).
 * A new version, a policy change or a deleted type is seen at once, through
 * the registry's events, not after the caches' TTL.
 */
export async function createRegistryViews(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  events: EventsService;
  settings: Pick<PipelineConfig, 'sla' | 'retention' | 'registry'>;
  logger: LoggerService;
}): Promise<{
  eventTypes: HttpEventTypeReader;
  validators: EventTypeValidators;
  policies: EventTypePolicies;
}> {
  const { settings } = options;
  const eventTypes = new HttpEventTypeReader(options);
  const { staleIfErrorMs } = settings.registry;
  let warnedAt = -Infinity;
  const validators = new EventTypeValidators({
    eventTypes,
    staleIfErrorMs,
    // At most once a minute: every type in use is read again every 5 s.
    onStale: (name, error) => {
      if (Date.now() - warnedAt < 60_000) return;
      warnedAt = Date.now();
      options.logger.warn(
        `The schema registry cannot be reached; ingest goes on with event types as last read (such as '${name}'), each for up to ${Math.round(
          staleIfErrorMs / 1000,
        )} s after it was read (deliveryPipeline.registry.staleIfError): ${error}`,
      );
    },
  });
  const policies = new EventTypePolicies({
    eventTypes,
    logger: options.logger,
    defaults: {
      maxLatenessMs: settings.sla.defaultMaxLatenessMs,
      rawRetentionMs: settings.retention.defaultRawMs,
      deliveredRetentionMs: settings.retention.defaultDeliveredMs,
    },
  });
  await options.events.subscribe({
    id: 'delivery-pipeline-validators',
    topics: [EVENT_SCHEMAS_TOPIC],
    async onEvent({ eventPayload }) {
      if (isEventTypeChangedPayload(eventPayload)) {
        validators.forget(eventPayload.eventType);
        policies.forget(eventPayload.eventType);
      }
    },
  });
  return { eventTypes, validators, policies };
}
