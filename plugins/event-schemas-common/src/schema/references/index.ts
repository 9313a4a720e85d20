export { parseRegistryRef, registryRefOf } from './registryRefs';
export type { RegistryRef } from './registryRefs';
export {
  REFERENCE_LIMITS,
  listSchemaReferences,
  resolveSchemaReferences,
} from './resolveSchemaReferences';
export type {
  ResolvedSchema,
  SchemaReference,
} from './resolveSchemaReferences';
