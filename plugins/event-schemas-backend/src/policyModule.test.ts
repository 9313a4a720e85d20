import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { eventTypeDeletePermission } from '@data-collection/plugin-event-schemas-common';
import request from 'supertest';
import {
  createEventSchemasPolicyModule,
  permissionModuleEventSchemasPolicy,
} from './policyModule';

const groups: Record<string, string[]> = {
  'user:default/alice': ['group:default/playback'],
  'user:default/carol': ['group:default/data-platform'],
};

/** The real permission backend with the given policy module. */
async function permissionBackend(
  policyModule: typeof permissionModuleEventSchemasPolicy,
) {
  const { server } = await startTestBackend({
    features: [
      permissionPlugin,
      policyModule,
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
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [ref, ...groups[ref]],
          };
        },
      }).factory,
    ],
  });
  return async (user: string, items: object[]) => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header(user))
      .send({ items: items.map((item, i) => ({ id: `${i}`, ...item })) });
    expect(res.status).toBe(200);
    return res.body.items.map((item: { result: string }) => item.result);
  };
}

const name = 'com.example.playback.started';
// Another plugin's permission, which the suite's policy does not decide.
const catalogCreate = {
  type: 'basic',
  name: 'catalog.entity.create',
  attributes: { action: 'create' },
};

describe('permissionModuleEventSchemasPolicy', () => {
  it("becomes the permission backend's policy, with admins from config, and denies what is not the suite's", async () => {
    const decide = await permissionBackend(permissionModuleEventSchemasPolicy);
    expect(
      await decide('user:default/alice', [
        { permission: eventTypeDeletePermission, resourceRef: name },
        { permission: catalogCreate },
      ]),
    ).toEqual([AuthorizeResult.DENY, AuthorizeResult.DENY]);
    expect(
      await decide('user:default/carol', [
        { permission: eventTypeDeletePermission, resourceRef: name },
        // Not even the suite's admins get other plugins' permissions.
        { permission: catalogCreate },
      ]),
    ).toEqual([AuthorizeResult.ALLOW, AuthorizeResult.DENY]);
  });
});

describe('createEventSchemasPolicyModule', () => {
  it("passes other plugins' permissions to the composed fallback, never the suite's", async () => {
    const decide = await permissionBackend(
      createEventSchemasPolicyModule({
        fallback: { handle: async () => ({ result: AuthorizeResult.ALLOW }) },
      }),
    );
    expect(
      await decide('user:default/alice', [
        { permission: eventTypeDeletePermission, resourceRef: name },
        { permission: catalogCreate },
      ]),
    ).toEqual([AuthorizeResult.DENY, AuthorizeResult.ALLOW]);
  });
});
