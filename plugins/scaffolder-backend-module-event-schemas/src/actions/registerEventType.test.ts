import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { alice, bob, startRegistry } from '../__testUtils__/testRegistry';
import { createRegisterEventTypeAction } from './registerEventType';

jest.setTimeout(60_000);

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'track_id'],
  properties: { user_id: { type: 'string' }, track_id: { type: 'string' } },
};

const input = {
  name: 'com.example.track.liked',
  title: 'Track liked',
  description: 'Sent when a listener likes a track',
  owner: 'group:default/playback',
  format: 'jsonschema' as const,
  compatibility: 'BACKWARD' as const,
  // As a template's text field gives it.
  schema: JSON.stringify(schema, null, 2),
};

describe('event-schemas:event-type:register', () => {
  async function setup() {
    const { registry, reader } = await startRegistry();
    const action = createRegisterEventTypeAction({ registry });
    const run = async (options: {
      input: object;
      as?: BackstageCredentials;
      isDryRun?: boolean;
      checkpoints?: Map<string, unknown>;
    }) => {
      const ctx = {
        ...createMockActionContext({ input: options.input as any }),
        ...(options.checkpoints && {
          // As the scaffolder keeps them across a task's retries.
          checkpoint: async ({ key, fn }: { key: string; fn: () => any }) => {
            if (!options.checkpoints!.has(key)) {
              options.checkpoints!.set(key, await fn());
            }
            return options.checkpoints!.get(key);
          },
        }),
        isDryRun: options.isDryRun,
        getInitiatorCredentials: async () => options.as ?? alice,
      };
      await action.handler(ctx as any);
      return Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
    };
    return { action, run, reader };
  }

  it('registers the type with its first version as the user running the template', async () => {
    const { run, reader } = await setup();

    const output = await run({ input });

    expect(output).toEqual({
      name: 'com.example.track.liked',
      version: 1,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      entityRef: 'api:default/com.example.track.liked',
    });
    expect(await reader.getEventType('com.example.track.liked')).toMatchObject({
      title: 'Track liked',
      description: 'Sent when a listener likes a track',
      owner: 'group:default/playback',
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      latestVersion: 1,
      createdBy: 'user:default/alice',
    });
    const version = await reader.getLatestVersion('com.example.track.liked');
    expect(JSON.parse(version!.schema)).toEqual(schema);
  });

  it('registers once when the task is retried', async () => {
    const { run, reader } = await setup();
    const checkpoints = new Map<string, unknown>();

    const first = await run({ input, checkpoints });
    const retried = await run({ input, checkpoints });

    expect(retried).toEqual(first);
    expect(await reader.listEventTypes()).toHaveLength(1);
  });

  it('takes the schema as a JSON object too', async () => {
    const { run, reader } = await setup();
    await run({ input: { ...input, schema } });
    const version = await reader.getLatestVersion('com.example.track.liked');
    expect(JSON.parse(version!.schema)).toEqual(schema);
  });

  it('registers nothing in a dry run, and says what it would be', async () => {
    const { run, reader } = await setup();

    const output = await run({ input, isDryRun: true });

    expect(output).toEqual({
      name: 'com.example.track.liked',
      version: 1,
      entityRef: 'api:default/com.example.track.liked',
    });
    expect(await reader.listEventTypes()).toEqual([]);
  });

  it('refuses an invalid schema in a dry run, as the registry would', async () => {
    const { run, reader } = await setup();
    const invalid = { ...input, schema: '{"type": "object", "required": 5}' };

    await expect(run({ input: invalid, isDryRun: true })).rejects.toMatchObject(
      {
        name: 'InputError',
        message: expect.stringMatching(/^Invalid schema: .*required/),
      },
    );
    // The registry refuses it with the same words.
    await expect(run({ input: invalid })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^Invalid schema: .*required/),
    });
    expect(await reader.listEventTypes()).toEqual([]);
  });

  it('refuses a name that is taken, in a dry run and for real', async () => {
    const { run } = await setup();
    await run({ input });

    await expect(run({ input, isDryRun: true })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        "Event type 'com.example.track.liked' already exists",
      ),
    });
    await expect(run({ input })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        "Event type 'com.example.track.liked' already exists",
      ),
    });
  });

  it("refuses a user who is not in the owner group, with the registry's reason", async () => {
    const { run, reader } = await setup();

    await expect(run({ input, as: bob })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "You may register event types only for groups you belong to (group:default/search); 'group:default/playback' is not one of them",
    });
    expect(await reader.listEventTypes()).toEqual([]);
  });

  it('describes its input with a schema the scaffolder validates against', async () => {
    const { action } = await setup();
    expect(action.schema?.input).toMatchObject({
      type: 'object',
      required: ['name', 'owner', 'format', 'schema'],
      properties: {
        format: { enum: ['jsonschema', 'avro'] },
        compatibility: { enum: expect.arrayContaining(['BACKWARD', 'NONE']) },
      },
    });
  });
});
