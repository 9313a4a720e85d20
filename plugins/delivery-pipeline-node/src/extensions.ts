import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PartitionExporter } from './exporter';
import { KeyEncryptionKey } from './keyEncryptionKey';
import { InProcessProducer } from './producer';
import { PartitionStorage } from './storage';
import { EventTransport } from './transport';

/**
 * Replaces the transport between ingest and the consumer. Without a module
 * setting one, the plugin uses its built-in transports (see its config).
 *
 * @public
 */
export interface DeliveryPipelineTransportExtensionPoint {
  setTransport(transport: EventTransport): void;
}

/** @public */
export const deliveryPipelineTransportExtensionPoint =
  createExtensionPoint<DeliveryPipelineTransportExtensionPoint>({
    id: 'delivery-pipeline.transport',
  });

/**
 * Replaces where partitions are stored. Without a module setting one, the
 * plugin keeps them in local files.
 *
 * @public
 */
export interface DeliveryPipelineStorageExtensionPoint {
  setStorage(storage: PartitionStorage): void;
}

/** @public */
export const deliveryPipelineStorageExtensionPoint =
  createExtensionPoint<DeliveryPipelineStorageExtensionPoint>({
    id: 'delivery-pipeline.storage',
  });

/**
 * Adds exporters that receive every delivered partition (a warehouse load,
 * say). Each runs once per partition, retried until it succeeds.
 *
 * @public
 */
export interface DeliveryPipelineExporterExtensionPoint {
  addExporter(exporter: PartitionExporter): void;
}

/** @public */
export const deliveryPipelineExporterExtensionPoint =
  createExtensionPoint<DeliveryPipelineExporterExtensionPoint>({
    id: 'delivery-pipeline.exporter',
  });

/**
 * Replaces the key-encryption key of the personal data keychain, e.g. with a
 * key management service. Without a module setting one, the plugin reads it
 * from the file `deliveryPipeline.personalData.keyEncryptionKeyFile`.
 *
 * @public
 */
export interface DeliveryPipelinePersonalDataExtensionPoint {
  setKeyEncryptionKey(key: KeyEncryptionKey): void;
}

/** @public */
export const deliveryPipelinePersonalDataExtensionPoint =
  createExtensionPoint<DeliveryPipelinePersonalDataExtensionPoint>({
    id: 'delivery-pipeline.personal-data',
  });

/**
 * Adds producers that run inside the backend and send events through the
 * plugin's ingest as trusted producers (no producer grant needed), e.g.
 * the demo traffic module. The plugin starts each once it has started and
 * stops it at shutdown, before its transport closes.
 *
 * @public
 */
export interface DeliveryPipelineProducerExtensionPoint {
  addProducer(producer: InProcessProducer): void;
}

/** @public */
export const deliveryPipelineProducerExtensionPoint =
  createExtensionPoint<DeliveryPipelineProducerExtensionPoint>({
    id: 'delivery-pipeline.producer',
  });
