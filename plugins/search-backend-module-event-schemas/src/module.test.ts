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
const TRACKS = 'com.example.library.track-saved';

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
      // A type of another group, so that an ownership condition tells the
      // types apart; the mocked permissions allow registering it.
      permissions.authorizeConditional.mockImplementation(async queries =>
        queries.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
      // As Backstage does for service principals (the collator reads the
      // registry as one): allowed without asking the policy.
      permissions.authorize.mockImplementation(async queries =>
        queries.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
      const registered = await request(server)
        .post('/api/event-schemas/event-types')
        .set('Authorization', mockCredentials.service.header())
        .send({
          name: TRACKS,
          title: 'Track saved',
          owner: 'group:default/library',
          format: 'jsonschema',
          schema: JSON.stringify({
            type: 'object',
            properties: { track_id: { type: 'string' } },
          }),
        });
      if (registered.status !== 201) {
        throw new Error(
          `Registering ${TRACKS}: ${registered.status} ${registered.text}`,
        );
      }
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

      expect(await search('track_id')).toEqual(
        expect.arrayContaining([PLAYBACK, TRACKS]),
      );
      // Ranked first: the other group's type shares `group` and `default`.
      expect(
        (await search('group:default/playback')).slice(0, 2).sort(),
      ).toEqual([PLAYBACK, SEARCH]);
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

    it("checks each result of a conditional decision against the registry's resource, the type by its name", async () => {
      // An adopter's policy: event types are seen by their owners only.
      const conditional: ConditionalPolicyDecision = {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'event-schemas',
        resourceType: 'event-type',
        conditions: {
          rule: 'IS_OWNER',
          resourceType: 'event-type',
          params: { owners: ['group:default/library'] },
        },
      };
      permissions.authorizeConditional.mockResolvedValue([conditional]);
      // As the permission backend does: the registry applies the conditions
      // to the resource the ref names.
      permissions.authorize.mockImplementation(async requests =>
        Promise.all(
          requests.map(async query => {
            const applied = await request(server)
              .post(
                '/api/event-schemas/.well-known/backstage/permissions/apply-conditions',
              )
              .set('Authorization', mockCredentials.service.header())
              .send({
                items: [
                  {
                    id: '1',
                    resourceRef: (query as { resourceRef: string }).resourceRef,
                    resourceType: conditional.resourceType,
                    conditions: conditional.conditions,
                  },
                ],
              });
            if (applied.status !== 200) {
              throw new Error(
                `apply-conditions: ${applied.status} ${applied.text}`,
              );
            }
            return { result: applied.body.items[0].result };
          }),
        ),
      );

      expect(await search('track_id')).toEqual([TRACKS]);
      // The playback group's types match better, and are left out.
      expect(await search('group:default/playback')).toEqual([TRACKS]);
      expect(permissions.authorize).toHaveBeenCalledWith(
        expect.arrayContaining([
          { permission: eventTypeReadPermission, resourceRef: PLAYBACK },
        ]),
        expect.anything(),
      );
    });
  });
});
