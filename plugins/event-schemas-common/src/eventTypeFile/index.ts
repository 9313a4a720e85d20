export { EVENT_TYPE_FILE_SCHEMA } from './eventTypeFileSchema';
export {
  EVENT_TYPE_FILE_LIMITS,
  EventTypeFileError,
  isEventTypeFilePath,
  parseEventTypeFile,
  readEventTypeFile,
  resolveSchemaFilePath,
} from './eventTypeFile';
export type {
  EventTypeDefinition,
  EventTypeFileProblem,
  ParsedEventTypeFile,
} from './eventTypeFile';
