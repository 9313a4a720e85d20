export { BigQueryExporter, slotsOf } from './BigQueryExporter';
export type { BigQueryExporterOptions } from './BigQueryExporter';
export { BigQueryTables } from './tables';
export type { BigQueryTablesOptions, EnsuredTable } from './tables';
export {
  schemaToBigQuery,
  ENVELOPE_FIELDS,
  RECEIVED_AT_COLUMN,
  EXTENSIONS_COLUMN,
  DATA_COLUMN,
  PERSONAL_DATA_MARKER,
} from './schemaMapping';
export type { SchemaToBigQueryOptions } from './schemaMapping';
export { toRow } from './rows';
export { retentionToMs } from './retention';
export { columnNameFor, loadJobIdFor, hourDecorator } from './names';
export type {
  BigQueryField,
  BigQueryMode,
  BigQueryType,
  TableMapping,
  ValueConversion,
  RecordFieldConversion,
} from './types';
