import { listFields } from '@data-collection/plugin-event-schemas-common';
import { searchableFieldNames } from './eventTypeDocument';

describe('searchableFieldNames', () => {
  it('gives nested JSON Schema fields by name and dotted path, arrays also without []', () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        user: {
          type: 'object',
          properties: { id: { type: 'string' }, email: { type: 'string' } },
        },
        tracks: {
          type: 'array',
          items: {
            type: 'object',
            properties: { track_id: { type: 'string' } },
          },
        },
      },
    });

    expect(
      searchableFieldNames(listFields({ format: 'jsonschema', schema })),
    ).toEqual([
      'user',
      'id',
      'user.id',
      'email',
      'user.email',
      'tracks',
      'track_id',
      'tracks[].track_id',
      'tracks.track_id',
    ]);
  });

  it('gives nested Avro fields by name and dotted path, through records, unions, arrays and maps', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Played',
      fields: [
        {
          name: 'user',
          type: [
            'null',
            {
              type: 'record',
              name: 'User',
              fields: [{ name: 'user_id', type: 'string' }],
            },
          ],
        },
        {
          name: 'attributes',
          type: {
            type: 'map',
            values: {
              type: 'record',
              name: 'Attr',
              fields: [{ name: 'label', type: 'string' }],
            },
          },
        },
        {
          name: 'queue',
          type: { type: 'array', items: 'User' },
        },
      ],
    });

    expect(
      searchableFieldNames(listFields({ format: 'avro', schema })),
    ).toEqual([
      'user',
      'user_id',
      'user.user_id',
      'attributes',
      'label',
      'attributes.{}.label',
      'attributes.label',
      'queue',
      'queue[].user_id',
      'queue.user_id',
    ]);
  });
});
