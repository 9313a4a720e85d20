import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  EventTypeFileError,
  parseEventTypeFile,
  readEventTypeFile,
  resolveSchemaFilePath,
} from './eventTypeFile';
import { EVENT_TYPE_FILE_SCHEMA } from './eventTypeFileSchema';

const YAML_FILE = `
# yaml-language-server: $schema=../schemas/event-type-file.schema.json
name: com.example.playback.started
title: Playback started
owner: group:default/playback
lifecycle: production
tags: [playback]
format: jsonschema
compatibility: BACKWARD
retention: { raw: P7D, delivered: P400D }
sla: { maxLateness: PT2H }
personalDataFields: [user_id]
dataSubject: user_id
schema:
  type: object
  required: [user_id]
  properties:
    user_id: { type: string }
`;

function problemsOf(text: string, path = 'event-types/a.yaml') {
  try {
    parseEventTypeFile({ path, text });
  } catch (error) {
    expect(error).toBeInstanceOf(EventTypeFileError);
    return (error as EventTypeFileError).problems;
  }
  throw new Error('expected the file to be refused');
}

describe('parseEventTypeFile', () => {
  it('reads a YAML file into the create request, the schema as JSON text', () => {
    const { definition, schemaFile } = parseEventTypeFile({
      path: 'event-types/a.yaml',
      text: YAML_FILE,
    });
    expect(schemaFile).toBeUndefined();
    expect(definition).toMatchObject({
      name: 'com.example.playback.started',
      owner: 'group:default/playback',
      retention: { raw: 'P7D', delivered: 'P400D' },
      personalDataFields: ['user_id'],
    });
    expect(JSON.parse(definition.schema!)).toEqual({
      type: 'object',
      required: ['user_id'],
      properties: { user_id: { type: 'string' } },
    });
  });

  it('reads JSON, ignores the editor $schema key and keeps a schema given as text', () => {
    const { definition } = parseEventTypeFile({
      path: 'a.json',
      text: JSON.stringify({
        $schema: 'https://example.com/event-type-file.schema.json',
        name: 'a.b',
        owner: 'playback',
        format: 'avro',
        schema: '{"type":"record","name":"A","fields":[]}',
      }),
    });
    expect(definition).toEqual({
      name: 'a.b',
      owner: 'playback',
      format: 'avro',
      schema: '{"type":"record","name":"A","fields":[]}',
    });
  });

  it('lists every problem with where it is', () => {
    const problems = problemsOf(`
name: .bad
owner: user:default/jane
format: protobuf
compatibilty: FULL
tags: [ok, Not-OK]
retention: { raw: 7 days }
schema: { type: object }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/name' }),
        expect.objectContaining({
          pointer: '/format',
          message: 'must be one of jsonschema, avro',
        }),
        { pointer: '', message: "has an unknown field 'compatibilty'" },
        expect.objectContaining({ pointer: '/tags/1' }),
        expect.objectContaining({ pointer: '/retention/raw' }),
      ]),
    );
  });

  it('needs exactly one of schema and schemaFile', () => {
    const base = 'name: a.b\nowner: playback\nformat: avro\n';
    expect(problemsOf(base)).toEqual([
      {
        pointer: '',
        message: 'must have exactly one of schema and schemaFile',
      },
    ]);
    expect(
      problemsOf(`${base}schema: {type: string}\nschemaFile: a.avsc\n`),
    ).toEqual([
      {
        pointer: '',
        message: 'must have exactly one of schema and schemaFile',
      },
    ]);
  });

  it('refuses what is not YAML, duplicate keys and alias bombs, in bounded work', () => {
    expect(problemsOf('name: [unclosed')[0].message).toMatch(
      /^is not valid YAML or JSON/,
    );
    expect(problemsOf('name: a\nname: b\n')[0].message).toMatch(
      /^is not valid YAML or JSON/,
    );
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(problemsOf(bomb)[0].message).toMatch(/^cannot be read/);
    expect(problemsOf('x'.repeat(1024 * 1024 + 1))[0].message).toMatch(
      /larger than/,
    );
    expect(problemsOf('- a\n- b\n')).toEqual([
      { pointer: '', message: 'must be a mapping of the event type’s fields' },
    ]);
  });
});

describe('resolveSchemaFilePath', () => {
  it('resolves beside the file and inside the root only', () => {
    expect(resolveSchemaFilePath('event-types/a.yaml', 'a.avsc')).toBe(
      'event-types/a.avsc',
    );
    expect(
      resolveSchemaFilePath('event-types/x/a.yaml', '../schemas/./a.json'),
    ).toBe('event-types/schemas/a.json');
    for (const escape of ['../../a.json', '/etc/passwd', 'https://x/a.json']) {
      expect(() => resolveSchemaFilePath('event-types/a.yaml', escape)).toThrow(
        EventTypeFileError,
      );
    }
  });
});

describe('readEventTypeFile', () => {
  it('reads the schema file through the reader it is given', async () => {
    const read = jest.fn(async (path: string) => `schema of ${path}`);
    const { definition, schemaFile } = await readEventTypeFile({
      path: 'event-types/a.yaml',
      text: 'name: a.b\nowner: playback\nformat: avro\nschemaFile: a.avsc\n',
      readFile: read,
    });
    expect(read).toHaveBeenCalledWith('event-types/a.avsc');
    expect(schemaFile).toBe('event-types/a.avsc');
    expect(definition.schema).toBe('schema of event-types/a.avsc');
  });

  it('says which schema file it could not read', async () => {
    await expect(
      readEventTypeFile({
        path: 'a.yaml',
        text: 'name: a.b\nowner: playback\nformat: avro\nschemaFile: gone.avsc\n',
        readFile: async () => {
          throw new Error('ENOENT');
        },
      }),
    ).rejects.toThrow(/names gone.avsc, which cannot be read: ENOENT/);
  });
});

describe('EVENT_TYPE_FILE_SCHEMA', () => {
  it('is published unchanged as schemas/event-type-file.schema.json', async () => {
    const published = JSON.parse(
      await fs.readFile(
        join(__dirname, '../../schemas/event-type-file.schema.json'),
        'utf8',
      ),
    );
    // After changing the schema: yarn workspace @data-collection/plugin-event-schemas-common build:schemas
    expect(published).toEqual(EVENT_TYPE_FILE_SCHEMA);
  });
});
