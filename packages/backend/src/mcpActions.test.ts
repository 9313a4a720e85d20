import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import path from 'node:path';
import request from 'supertest';

jest.setTimeout(60_000);

const examples = path.resolve(__dirname, '../../../examples');

/** One JSON-RPC call to the MCP server; the answer comes as one SSE event. */
async function mcp(
  server: Parameters<typeof request>[0],
  method: string,
  params: object = {},
) {
  const res = await request(server)
    .post('/api/mcp-actions/v1')
    .set('Authorization', mockCredentials.user.header())
    .set('Accept', 'application/json, text/event-stream')
    .send({ jsonrpc: '2.0', id: 1, method, params });
  expect(res.status).toBe(200);
  const data = res.text
    .split('\n')
    .find(line => line.startsWith('data: '))!
    .slice('data: '.length);
  return JSON.parse(data);
}

// The MCP plugin as the portal adds it, with the config of app-config.yaml:
// the registry's actions are its tools. (No catalog or notifications here:
// the registry logs that it could not tell them about the demo types.)
describe('MCP actions', () => {
  let afterTest = async () => {};
  afterEach(() => afterTest());

  it('offers the event schema actions as tools and runs them', async () => {
    const backend = await startTestBackend({
      features: [
        mcpActionsPlugin,
        eventSchemasPlugin,
        mockServices.rootConfig.factory({
          data: {
            // As app-config.yaml has it.
            backend: {
              actions: {
                pluginSources: [
                  'event-schemas',
                  'delivery-pipeline',
                  'catalog',
                ],
                filter: {
                  include: [
                    { id: 'event-schemas:*' },
                    { id: 'delivery-pipeline:*' },
                    { id: 'catalog:*', attributes: { readOnly: true } },
                  ],
                },
              },
            },
            mcpActions: { name: 'data-collection' },
            eventSchemas: {
              demoData: {
                directories: [
                  path.join(examples, 'demo-history'),
                  path.join(examples, 'event-types'),
                ],
              },
            },
          },
        }),
      ],
    });
    afterTest = () => backend.stop();
    const { server } = backend;

    const listed = await mcp(server, 'tools/list');
    expect(
      listed.result.tools.map((tool: { name: string }) => tool.name).sort(),
    ).toEqual([
      'event-schemas.check-event-type-compatibility',
      'event-schemas.find-event-types',
      'event-schemas.get-event-type',
      'event-schemas.register-event-type-version',
    ]);

    const found = await mcp(server, 'tools/call', {
      name: 'event-schemas.find-event-types',
      arguments: { field: 'track_id' },
    });
    expect(found.result.isError).toBeFalsy();
    expect(JSON.parse(found.result.content[0].text)).toMatchObject({
      items: [{ name: 'com.example.playback.started', format: 'jsonschema' }],
    });

    const unknown = await mcp(server, 'tools/call', {
      name: 'event-schemas.get-event-type',
      arguments: { name: 'com.example.nope' },
    });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.result.content[0].text).toContain(
      "No event type named 'com.example.nope'",
    );
  });
});
