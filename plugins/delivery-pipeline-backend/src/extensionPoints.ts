import { BackendPluginRegistrationPoints } from '@backstage/backend-plugin-api';
import {
  deliveryPipelineExporterExtensionPoint,
  deliveryPipelinePersonalDataExtensionPoint,
  deliveryPipelineProducerExtensionPoint,
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  EventTransport,
  KeyEncryptionKey,
  PartitionExporter,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { InProcessProducers } from './ingest/InProcessProducers';

/** What modules set through the plugin's extension points. */
export type PipelineModules = {
  transport?: EventTransport;
  storage?: PartitionStorage;
  keyEncryptionKey?: KeyEncryptionKey;
  exporters: PartitionExporter[];
  /** Producers in the backend's process, such as demo traffic. */
  producers: InProcessProducers;
};

/**
 * Registers the plugin's extension points; the returned object fills in as
 * modules register (before the plugin's init runs). A second transport,
 * storage or key, or a second exporter of one name, is refused.
 */
export function registerExtensionPoints(
  env: Pick<BackendPluginRegistrationPoints, 'registerExtensionPoint'>,
): PipelineModules {
  const modules: PipelineModules = {
    exporters: [],
    producers: new InProcessProducers(),
  };
  const once = <K extends 'transport' | 'storage' | 'keyEncryptionKey'>(
    key: K,
    what: string,
    value: PipelineModules[K],
  ) => {
    if (modules[key]) {
      throw new Error(`A delivery pipeline ${what} was already set`);
    }
    modules[key] = value;
  };
  env.registerExtensionPoint(deliveryPipelineTransportExtensionPoint, {
    setTransport: transport => once('transport', 'transport', transport),
  });
  env.registerExtensionPoint(deliveryPipelineStorageExtensionPoint, {
    setStorage: storage => once('storage', 'storage', storage),
  });
  env.registerExtensionPoint(deliveryPipelinePersonalDataExtensionPoint, {
    setKeyEncryptionKey: key =>
      once('keyEncryptionKey', 'key-encryption key', key),
  });
  env.registerExtensionPoint(deliveryPipelineExporterExtensionPoint, {
    addExporter(exporter) {
      if (modules.exporters.some(e => e.name === exporter.name)) {
        throw new Error(
          `A delivery pipeline exporter named '${exporter.name}' was already added`,
        );
      }
      modules.exporters.push(exporter);
    },
  });
  env.registerExtensionPoint(
    deliveryPipelineProducerExtensionPoint,
    modules.producers,
  );
  return modules;
}
