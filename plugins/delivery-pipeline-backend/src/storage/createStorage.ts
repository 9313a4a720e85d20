import { PartitionStorage } from '@data-collection/plugin-delivery-pipeline-node';
import { PipelineConfig } from '../config';
import { PipelineModules } from '../extensionPoints';
import { LocalPartitionStorage } from './LocalPartitionStorage';

/**
 * Where partitions' files go: a module's storage when one was set through
 * the extension point, else the local directory of the config.
 */
export function createStorage(options: {
  modules: Pick<PipelineModules, 'storage'>;
  settings: Pick<PipelineConfig, 'storage'>;
}): PartitionStorage {
  return (
    options.modules.storage ??
    new LocalPartitionStorage({
      directory: options.settings.storage.directory,
    })
  );
}
