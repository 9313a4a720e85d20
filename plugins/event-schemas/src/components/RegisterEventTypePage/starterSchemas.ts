import { EventTypeFormat } from '@data-collection/plugin-event-schemas-common';

// What the schema editor starts with: a small valid schema in each format,
// to edit rather than write from nothing.

const STARTERS: Record<EventTypeFormat, unknown> = {
  jsonschema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['user_id'],
    properties: {
      user_id: { type: 'string', description: 'Who did it' },
      item_id: { type: 'string', description: 'What it was done to' },
    },
  },
  avro: {
    type: 'record',
    name: 'Event',
    namespace: 'com.example',
    fields: [
      { name: 'user_id', type: 'string', doc: 'Who did it' },
      {
        name: 'item_id',
        type: ['null', 'string'],
        default: null,
        doc: 'What it was done to',
      },
    ],
  },
};

/** The starter schema of a format, as the editor shows it. */
export function starterSchema(format: EventTypeFormat): string {
  return JSON.stringify(STARTERS[format], null, 2);
}

/** Whether the text is a format's starter, i.e. the user has not written any. */
export function isStarterSchema(text: string): boolean {
  return (
    text.trim() === '' ||
    (Object.keys(STARTERS) as EventTypeFormat[]).some(
      format => starterSchema(format) === text,
    )
  );
}
