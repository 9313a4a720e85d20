export {
  dedupePartition,
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  readManifest,
} from './dedupePartition';
export type {
  DedupeOptions,
  DedupeResult,
  DedupeTuning,
  DeliveredManifest,
} from './dedupePartition';
export { KEYS_FORMAT } from './keysFiles';
export type { KeysFile, KeysManifest } from './keysFiles';
