import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  eventTypeCreatePermission,
  eventTypeDeletePermission,
} from '@internal/plugin-event-schemas-common';
import request from 'supertest';
import { permissionModuleEventSchemasPolicy } from './policyModule';

describe('permissionModuleEventSchemasPolicy', () => {
  it("becomes the permission backend's policy, with admins from config", async () => {
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        permissionModuleEventSchemasPolicy,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            eventSchemas: {
              permissions: { adminGroups: ['group:default/data-platform'] },
            },
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const ref = (credentials.principal as { userEntityRef: string })
              .userEntityRef;
            const groups: Record<string, string[]> = {
              'user:default/alice': ['group:default/playback'],
              'user:default/carol': ['group:default/data-platform'],
            };
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...groups[ref]],
            };
          },
        }).factory,
      ],
    });

    const decide = async (user: string, items: object[]) => {
      const res = await request(server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header(user))
        .send({ items: items.map((item, i) => ({ id: `${i}`, ...item })) });
      expect(res.status).toBe(200);
      return res.body.items.map((item: { result: string }) => item.result);
    };

    const name = 'com.example.playback.started';
    expect(
      await decide('user:default/alice', [
        { permission: eventTypeCreatePermission },
        { permission: eventTypeDeletePermission, resourceRef: name },
      ]),
    ).toEqual([AuthorizeResult.ALLOW, AuthorizeResult.DENY]);
    expect(
      await decide('user:default/carol', [
        { permission: eventTypeDeletePermission, resourceRef: name },
      ]),
    ).toEqual([AuthorizeResult.ALLOW]);
  });
});
