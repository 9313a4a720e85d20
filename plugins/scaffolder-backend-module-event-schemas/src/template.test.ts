import { mockCredentials } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import fs from 'node:fs';
import path from 'node:path';
import { validate } from 'jsonschema';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleEventSchemas } from './module';
import { alice, startRegistry } from './__testUtils__/testRegistry';

jest.setTimeout(120_000);

// The portal's "New event type" template, run by the real scaffolder with
// this module, the GitHub module and the real registry, in dry runs.

const templateDir = path.resolve(
  __dirname,
  '../../../examples/templates/new-event-type',
);
const template = parse(
  fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
);

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'track_id'],
  properties: { user_id: { type: 'string' }, track_id: { type: 'string' } },
};

const values = {
  name: 'com.example.track.liked',
  title: 'Track "liked"',
  description: 'Sent when a listener likes a track',
  owner: 'group:default/playback',
  format: 'jsonschema',
  compatibility: 'BACKWARD',
  schema: JSON.stringify(schema, null, 2),
  repoUrl: 'github.com?owner=example&repo=event-types',
  registerNow: true,
};

/** The skeleton as the dry-run endpoint takes the template's files. */
function directoryContents(dir = templateDir, prefix = '') {
  const files: Array<{ path: string; base64Content: string }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...directoryContents(full, relative));
    } else {
      files.push({
        path: relative,
        base64Content: fs.readFileSync(full).toString('base64'),
      });
    }
  }
  return files;
}

/**
 * Renders `${{ parameters.x }}` as the scaffolder does for the template's
 * plain look-ups: a whole-value expression keeps its type.
 */
function render(value: unknown, parameters: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = value.match(/^\$\{\{\s*parameters\.(\w+)\s*\}\}$/);
    if (whole) return parameters[whole[1]];
    return value.replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_, key) =>
      String(parameters[key] ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(v => render(v, parameters));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, render(v, parameters)]),
    );
  }
  return value;
}

describe('the New event type template', () => {
  async function startScaffolder() {
    const started = await startRegistry({
      features: [scaffolderPlugin, githubModule, scaffolderModuleEventSchemas],
      config: {
        // A dry run of publish:github:pull-request builds its client but
        // sends nothing to GitHub.
        integrations: {
          github: [{ host: 'github.com', token: 'unused-in-dry-runs' }],
        },
      },
    });
    const server = started.backend.server;
    const dryRun = (body: object, user = 'user:default/alice') =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header(user))
        .send({
          template,
          secrets: {},
          directoryContents: directoryContents(),
          ...body,
        });
    return { ...started, server, dryRun };
  }

  it('is a valid template', async () => {
    expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    expect(
      template.spec.steps.map((s: { action: string }) => s.action),
    ).toEqual([
      'fetch:template',
      'event-schemas:event-type:register',
      'publish:github:pull-request',
    ]);
  });

  it('uses only registered actions, with inputs their schemas accept', async () => {
    const { server } = await startScaffolder();
    const res = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const inputSchemas = new Map<string, any>(
      res.body.map((a: { id: string; schema?: { input?: object } }) => [
        a.id,
        a.schema?.input,
      ]),
    );

    for (const step of template.spec.steps) {
      expect(inputSchemas.has(step.action)).toBe(true);
      const input = render(step.input, values);
      const result = validate(input, inputSchemas.get(step.action));
      expect({
        step: step.id,
        errors: result.errors.map(e => e.stack),
      }).toEqual({ step: step.id, errors: [] });
    }
  });

  it('writes the event type file, checks it with the registry and registers nothing, in a dry run', async () => {
    const { dryRun, reader, registry } = await startScaffolder();

    const res = await dryRun({ values });

    expect(res.status).toBe(200);
    const file = res.body.directoryContents.find(
      (f: { path: string }) =>
        f.path === 'event-types/com.example.track.liked.json',
    );
    expect(file).toBeDefined();
    expect(
      JSON.parse(Buffer.from(file.base64Content, 'base64').toString()),
    ).toEqual({
      name: 'com.example.track.liked',
      title: 'Track "liked"',
      description: 'Sent when a listener likes a track',
      owner: 'group:default/playback',
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      schema,
    });
    const messages = res.body.log.map(
      (l: { body: { message: string } }) => l.body.message,
    );
    expect(messages).toContainEqual(
      expect.stringContaining(
        "Dry run: event type 'com.example.track.liked' is free and its schema is valid",
      ),
    );
    expect(messages).toContainEqual(
      expect.stringContaining('Performing dry run of creating pull request'),
    );
    expect(res.body.output.links).toEqual([
      { title: 'Pull request', url: values.repoUrl },
      {
        title: 'Event type in the catalog',
        icon: 'catalog',
        entityRef: 'api:default/com.example.track.liked',
      },
    ]);
    expect(await reader.listEventTypes()).toEqual([]);

    // The file is a registration request the registry accepts as it is.
    const eventTypeFile = JSON.parse(
      Buffer.from(file.base64Content, 'base64').toString(),
    );
    await registry.createEventType({
      credentials: alice,
      request: {
        ...eventTypeFile,
        schema: JSON.stringify(eventTypeFile.schema),
      },
    });
    expect(await reader.getEventType(values.name)).toMatchObject({
      title: 'Track "liked"',
      latestVersion: 1,
    });
  });

  it('fails the dry run when the name is taken', async () => {
    const { dryRun, registry } = await startScaffolder();
    await registry.createEventType({
      credentials: alice,
      request: {
        name: values.name,
        owner: values.owner,
        format: 'jsonschema',
        schema: values.schema,
      },
    });

    const res = await dryRun({ values });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /^Event type 'com.example.track.liked' already exists/,
    );
  });

  it('leaves out what the user left out, and registers only when asked', async () => {
    const { dryRun } = await startScaffolder();

    const res = await dryRun({
      values: {
        ...values,
        title: undefined,
        description: undefined,
        registerNow: false,
      },
    });

    expect(res.status).toBe(200);
    const file = res.body.directoryContents.find(
      (f: { path: string }) =>
        f.path === 'event-types/com.example.track.liked.json',
    );
    expect(
      Object.keys(
        JSON.parse(Buffer.from(file.base64Content, 'base64').toString()),
      ),
    ).toEqual(['name', 'owner', 'format', 'compatibility', 'schema']);
    const messages: string[] = res.body.log.map(
      (l: { body: { message: string } }) => l.body.message,
    );
    expect(
      messages.some(m => m.includes('event-schemas:event-type:register')),
    ).toBe(false);
  });

  it('fails the dry run with the reason when the schema is invalid', async () => {
    const { dryRun } = await startScaffolder();

    const res = await dryRun({
      values: { ...values, schema: '{"type": "object", "required": 5}' },
    });

    // The action's InputError is the dry run's answer, as the template
    // editor shows it.
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message:
        'Invalid schema: Invalid JSON Schema (draft-07): /required must be array',
    });
  });
});
