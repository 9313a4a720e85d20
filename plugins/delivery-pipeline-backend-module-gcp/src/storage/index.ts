export { GcsPartitionStorage } from './GcsPartitionStorage';
export type { GcsPartitionStorageOptions } from './GcsPartitionStorage';
export { createGcsBucket } from './createGcsBucket';
export type { CreateGcsBucketOptions } from './createGcsBucket';
