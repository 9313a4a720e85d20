import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { alice, bob, startRegistry } from '../__testUtils__/testRegistry';
import { createRegisterEventTypeVersionAction } from './registerEventTypeVersion';

jest.setTimeout(60_000);

// Closed, so that a new optional field is BACKWARD compatible.
const v1 = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'track_id'],
  properties: { user_id: { type: 'string' }, track_id: { type: 'string' } },
};
const v2 = {
  ...v1,
  properties: { ...v1.properties, position_ms: { type: 'integer' } },
};
// A new required field: events valid under v1 lack it.
const breaking = {
  ...v2,
  required: [...v1.required, 'country'],
  properties: { ...v2.properties, country: { type: 'string' } },
};
const name = 'com.example.track.liked';

describe('event-schemas:event-type:version:register', () => {
  async function setup() {
    const { registry, reader } = await startRegistry();
    await registry.createEventType({
      credentials: alice,
      request: {
        name,
        owner: 'group:default/playback',
        format: 'jsonschema',
        schema: JSON.stringify(v1),
      },
    });
    const action = createRegisterEventTypeVersionAction({ registry });
    const run = async (options: {
      schema: object;
      as?: BackstageCredentials;
      isDryRun?: boolean;
      name?: string;
    }) => {
      const ctx = {
        ...createMockActionContext({
          input: {
            name: options.name ?? name,
            schema: JSON.stringify(options.schema),
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
    return { run, reader };
  }

  it('registers a compatible schema as the next version', async () => {
    const { run, reader } = await setup();

    const output = await run({ schema: v2 });

    expect(output).toEqual({
      name,
      version: 2,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      created: true,
      entityRef: `api:default/${name}`,
    });
    const latest = await reader.getLatestVersion(name);
    expect(latest).toMatchObject({
      version: 2,
      createdBy: 'user:default/alice',
    });
    expect(JSON.parse(latest!.schema)).toEqual(v2);
  });

  it('returns the existing version for an identical schema', async () => {
    const { run, reader } = await setup();
    const output = await run({ schema: v1 });
    expect(output).toMatchObject({ version: 1, created: false });
    expect((await reader.getEventType(name))!.latestVersion).toBe(1);
  });

  it('checks without registering in a dry run', async () => {
    const { run, reader } = await setup();

    const output = await run({ schema: v2, isDryRun: true });

    expect(output).toEqual({ name, entityRef: `api:default/${name}` });
    expect((await reader.getEventType(name))!.latestVersion).toBe(1);
  });

  it('refuses an incompatible schema with the reasons, in a dry run and for real', async () => {
    const { run, reader } = await setup();

    const dryRun = run({ schema: breaking, isDryRun: true });
    await expect(dryRun).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        `The schema is not compatible with event type '${name}'`,
      ),
      reasons: [expect.stringContaining('country')],
    });
    const real = run({ schema: breaking });
    await expect(real).rejects.toMatchObject({
      name: 'InputError',
      reasons: [expect.stringContaining('country')],
    });
    // Each reason on a line of its own, under the registry's message.
    await expect(real).rejects.toThrow(/\n- .*country/);
    expect((await reader.getEventType(name))!.latestVersion).toBe(1);
  });

  it("refuses a user who does not own the type, with the registry's reason", async () => {
    const { run, reader } = await setup();

    await expect(run({ schema: v2, as: bob })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `Only its owners (group:default/playback) and the registry admins may update event type '${name}'`,
    });
    expect((await reader.getEventType(name))!.latestVersion).toBe(1);
  });

  it('says when the type does not exist', async () => {
    const { run } = await setup();
    for (const isDryRun of [true, false]) {
      await expect(
        run({ schema: v2, name: 'com.example.unknown', isDryRun }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: "No event type named 'com.example.unknown'",
      });
    }
  });
});
