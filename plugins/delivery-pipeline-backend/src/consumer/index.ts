import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EventTransport,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { DatabaseConsumerStore } from '../database/DatabaseConsumerStore';
import { RawPartitionConsumer } from './RawPartitionConsumer';

export type { ConsumerStore, RawFile } from './ConsumerStore';
export { RawPartitionConsumer } from './RawPartitionConsumer';

/**
 * The consumer stage's entry point. The consumer is a loop, not a scheduled
 * task: every replica drains the transport; the plugin starts it once the
 * backend has started and stops it before the transport closes.
 */
export function createConsumerStage(options: {
  db: Knex;
  transport: EventTransport;
  transportName: string;
  storage: PartitionStorage;
  settings: Pick<PipelineConfig, 'consumer' | 'partitions'>;
  logger: LoggerService;
}): RawPartitionConsumer {
  const { settings } = options;
  return new RawPartitionConsumer({
    transport: options.transport,
    transportName: options.transportName,
    storage: options.storage,
    store: new DatabaseConsumerStore(options.db),
    logger: options.logger.child({ task: 'consumer' }),
    widthMs: settings.partitions.widthMs,
    ...settings.consumer,
  });
}
