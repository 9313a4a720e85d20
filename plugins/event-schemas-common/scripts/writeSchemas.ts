// Writes the JSON Schemas this package publishes for other tools (editors,
// CI linters) from their source in src/. A test checks they match.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPE_FILE_SCHEMA } from '../src/eventTypeFile/eventTypeFileSchema';

writeFileSync(
  join(__dirname, '../schemas/event-type-file.schema.json'),
  `${JSON.stringify(EVENT_TYPE_FILE_SCHEMA, null, 2)}\n`,
);
