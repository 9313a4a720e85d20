export { dedupePartition } from './dedupePartition';
export type {
  DedupeOptions,
  DedupeResult,
  DedupeTuning,
} from './dedupePartition';
// The manifest is defined once, in delivery-pipeline-node; re-exported here
// until the backend imports it from there.
export {
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  readManifest,
} from '@internal/plugin-delivery-pipeline-node';
export type { DeliveredManifest } from '@internal/plugin-delivery-pipeline-node';
export { KEYS_FORMAT } from './keysFiles';
export type { KeysFile, KeysManifest } from './keysFiles';
