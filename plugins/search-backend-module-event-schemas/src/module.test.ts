import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  eventTypeReadPermission,
  EventTypeSearchDocument,
} from '@data-collection/plugin-event-schemas-common';
import searchPlugin from '@backstage/plugin-search-backend';
import request from 'supertest';
import { registryFeatures } from './__testUtils__/registryFeatures';
import { searchModuleEventSchemasCollator } from './module';

jest.setTimeout(60_000);

const PLAYBACK = 'com.example.playback.started';
const SEARCH = 'com.example.search.performed';

describe('searchModuleEventSchemasCollator', () => {
  it('schedules the collator from search.collators.eventTypes.schedule, keeping the initial delay', async () => {
    const addCollator = jest.fn();
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          { addCollator, addDecorator: jest.fn() },
        ],
      ],
      features: [
        searchModuleEventSchemasCollator,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            search: {
              collators: {
                eventTypes: {
                  schedule: { frequency: { hours: 1 }, timeout: 'PT5M' },
                },
              },
            },
          },
        }),
      ],
    });

    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { hours: 1 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 15 },
      scope: 'global',
    });
    expect(addCollator).toHaveBeenCalledTimes(1);
  });

  describe('in the search backend, with permissions', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    const permissions = mockServices.permissions.mock();
    let server: Parameters<typeof request>[0];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      // The mock scheduler runs tasks when told; its type hides `factory`.
      const scheduler = mockServices.scheduler() as SchedulerService & {
        factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
      };
      const backend = await startTestBackend({
        features: [
          searchPlugin,
          searchModuleEventSchemasCollator,
          scheduler.factory({ skipTaskRunOnStartup: true }),
          permissions.factory,
          ...registryFeatures({
            knex: await databases.init('SQLITE_3'),
            config: { permission: { enabled: true } },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      // The search backend schedules its indexing at startup; run it now.
      const tasks = await scheduler.getScheduledTasks();
      const indexing = tasks.find(task => task.id.includes('event_type'));
      if (!indexing) {
        throw new Error(
          `The search backend scheduled no event-type indexing: ${tasks.map(
            t => t.id,
          )}`,
        );
      }
      await scheduler.triggerTask(indexing.id);
    });

    afterAll(async () => {
      await stop?.();
    });

    async function search(term: string) {
      const response = await request(server)
        .get('/api/search/query')
        .query({ term, types: ['event-type'] })
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      return (
        response.body.results as { document: EventTypeSearchDocument }[]
      ).map(result => result.document.name);
    }

    it('finds event types by field, owner and title when the policy allows reading them', async () => {
      permissions.authorizeConditional.mockResolvedValue([
        { result: AuthorizeResult.ALLOW },
      ]);

      expect((await search('track_id'))[0]).toBe(PLAYBACK);
      expect((await search('group:default/playback')).sort()).toEqual([
        PLAYBACK,
        SEARCH,
      ]);
      expect((await search('Search performed'))[0]).toBe(SEARCH);
      expect(permissions.authorizeConditional).toHaveBeenCalledWith(
        [{ permission: eventTypeReadPermission }],
        expect.anything(),
      );
    });

    it('finds nothing when the policy denies reading event types', async () => {
      permissions.authorizeConditional.mockResolvedValue([
        { result: AuthorizeResult.DENY },
      ]);

      expect(await search('track_id')).toEqual([]);
      expect(await search('group:default/playback')).toEqual([]);
    });

    it('checks each result on a conditional decision, by the type name', async () => {
      const conditional: ConditionalPolicyDecision = {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'event-schemas',
        resourceType: 'event-type',
        conditions: {
          rule: 'IS_OWNER',
          resourceType: 'event-type',
          params: { owners: ['group:default/search'] },
        },
      };
      permissions.authorizeConditional.mockResolvedValue([conditional]);
      permissions.authorize.mockImplementation(async requests =>
        requests.map(r => ({
          result:
            'resourceRef' in r && r.resourceRef === SEARCH
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
      );

      expect(await search('group:default/playback')).toEqual([SEARCH]);
      expect(await search('track_id')).not.toContain(PLAYBACK);
      expect(permissions.authorize).toHaveBeenCalledWith(
        expect.arrayContaining([
          { permission: eventTypeReadPermission, resourceRef: PLAYBACK },
        ]),
        expect.anything(),
      );
    });
  });
});
