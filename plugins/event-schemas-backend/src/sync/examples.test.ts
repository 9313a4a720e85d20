import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { seedDemoData } from '../registry/seedDemoData';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { EventTypeFileSync } from './EventTypeFileSync';
import { FakeUrlReader } from './__testUtils__/FakeUrlReader';

jest.setTimeout(60_000);

const examples = resolve(__dirname, '../../../../examples');

function filesUnder(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(directory, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(directory);
  return files;
}

describe('the demo: examples/ as the portal syncs it', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('registers the example types from their files, playback.started as version 2 of the demo history', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    const fileStore = store.fileStore();
    const registry = new SchemaRegistry({
      store,
      fileStore,
      config: DEFAULT_REGISTRY_CONFIG,
    });
    const logger = mockServices.logger.mock();
    await seedDemoData({
      registry,
      directory: join(examples, 'demo-history'),
      logger,
    });

    // playback-service as the catalog reads it from examples/entities.yaml.
    const playbackService = parseAllDocuments(
      readFileSync(join(examples, 'entities.yaml'), 'utf8'),
    )
      .map(doc => doc.toJS())
      .find(e => e?.metadata?.name === 'playback-service');
    const entitiesFile = join(examples, 'entities.yaml');
    playbackService.metadata.namespace = 'default';
    playbackService.metadata.annotations[
      'backstage.io/managed-by-location'
    ] = `file:${entitiesFile}`;
    const reader = new FakeUrlReader();
    const directory = pathToFileURL(join(examples, 'event-types')).href;
    reader.trees.set(directory, filesUnder(join(examples, 'event-types')));
    const auditor = mockServices.auditor.mock();
    auditor.createEvent.mockResolvedValue({
      success: jest.fn(),
      fail: jest.fn(),
    });
    const sync = new EventTypeFileSync({
      registry,
      fileStore,
      config: DEFAULT_REGISTRY_CONFIG,
      catalog: catalogServiceMock({ entities: [playbackService] }),
      auth: mockServices.auth(),
      urlReader: reader,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      auditor,
      logger,
      notifyRefusal: jest.fn(),
      announce: async () => {},
      notifyFileRefusal: async () => {},
    });

    const [report] = await sync.syncAll();
    expect(report.status).toBe('synced');
    expect(
      report.files.map(f => [f.path, f.eventType, f.outcome, f.reasons]),
    ).toEqual([
      [
        'com.example.playback.started.yaml',
        'com.example.playback.started',
        'updated',
        undefined,
      ],
      [
        'com.example.search.performed.yaml',
        'com.example.search.performed',
        'created',
        undefined,
      ],
    ]);
    const playback = await registry.getEventType(
      'com.example.playback.started',
    );
    expect(playback.latestVersion).toBe(2);
    expect(playback.managedBy).toEqual({
      entityRef: 'component:default/playback-service',
      location: `${directory}/com.example.playback.started.yaml`,
      path: 'com.example.playback.started.yaml',
    });
    const search = await registry.getVersion({
      name: 'com.example.search.performed',
      version: 'latest',
    });
    expect(JSON.parse(search.schema).name).toBe('SearchPerformed');
  });
});
