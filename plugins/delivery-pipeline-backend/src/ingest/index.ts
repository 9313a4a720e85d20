import { PermissionsService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { EventTransport } from '@data-collection/plugin-delivery-pipeline-node';
import { PipelineConfig } from '../config';
import { DatabaseFailedEventStore } from '../database/DatabaseFailedEventStore';
import { FailedEventStore } from '../database/FailedEventStore';
import { PersonalDataProtector } from '../personalData/PersonalDataProtector';
import { EventTypeValidators } from '../registry/EventTypeValidators';
import { IngestService } from './IngestService';
import { ProducerAuthorization } from './ProducerAuthorization';
import { ProducerGrants } from './ProducerGrants';

export { IngestService } from './IngestService';
export {
  ProducerAuthorization,
  trustedProducer,
} from './ProducerAuthorization';

/**
 * The ingest stage's entry point: the service that checks, seals and hands
 * events to the transport, the store of the events it refuses (on the
 * plugin's database; retention and personal data tend it too), and who may
 * produce what (the registry's permissions and the configured grants). The
 * router serves them.
 */
export function createIngestStage(options: {
  config: Config;
  db: Knex;
  permissions: PermissionsService;
  validators: EventTypeValidators;
  transport: EventTransport;
  protector: PersonalDataProtector;
  settings: Pick<PipelineConfig, 'limits' | 'failedEvents'>;
}): {
  ingest: IngestService;
  producers: ProducerAuthorization;
  failedEvents: FailedEventStore;
} {
  const { settings, validators } = options;
  const failedEvents = new DatabaseFailedEventStore(options.db);
  const ingest = new IngestService({
    validators,
    transport: options.transport,
    personalData: options.protector,
    failedEvents,
    limits: settings.limits,
    maxFailedPayloadBytes: settings.failedEvents.maxPayloadBytes,
  });
  const producers = new ProducerAuthorization({
    permissions: options.permissions,
    grants: ProducerGrants.fromConfig(options.config),
    eventTypes: validators,
  });
  return { ingest, producers, failedEvents };
}
