export { SchemaError } from './SchemaError';
export { DEFAULT_SCHEMA_LIMITS } from './limits';
export type { SchemaLimits } from './limits';
export { parseSchema } from './parseSchema';
export type {
  ParsedSchema,
  ParsedJsonSchema,
  ParsedAvroSchema,
} from './parseSchema';
export type {
  JsonSchemaDraft,
  JsonSchemaDocument,
  JsonSchemaObject,
} from './jsonSchema/types';
export { canonicalSchema } from './canonicalSchema';
export { listFields } from './listFields';
export type { SchemaField } from './fieldListing';
export {
  isDataSubjectCandidate,
  isInArrayOrMap,
  isInsideField,
  isStringField,
} from './dataSubject';
export { compileValidator, MAX_REPORTED_ERRORS } from './compileValidator';
export { measureValue } from './validationWork';
export type { SchemaValidator, ValidationResult } from './compileValidator';
export * from './references';
