import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  eventTypeCreatePermission,
  eventTypeDeletePermission,
  eventTypeReadPermission,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';
import { createPermission } from '@backstage/plugin-permission-common';
import {
  dataSubjectErasePermission,
  eventTypeProducePermission,
  failedEventsReadPermission,
  partitionPreviewPermission,
  personalDataReadPermission,
} from '@data-collection/plugin-delivery-pipeline-common';
import { EventSchemasPermissionPolicy } from './EventSchemasPermissionPolicy';
import { isOwnerRule } from './rules';

const user = (ref: string, groups: string[]) =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as PolicyQueryUser);

const alice = user('user:default/alice', ['group:default/playback']);
const carol = user('user:default/carol', ['group:default/Data-Platform']);

describe('EventSchemasPermissionPolicy', () => {
  const policy = new EventSchemasPermissionPolicy({
    adminGroups: ['group:default/data-platform'],
  });

  it('lets users register event types only for their own groups; admins for any', async () => {
    // Before this policy, anyone signed in registered for any group.
    expect(
      await policy.handle({ permission: eventTypeCreatePermission }, alice),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'event-schemas',
      resourceType: 'event-type',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'event-type',
        params: {
          owners: ['user:default/alice', 'group:default/playback'],
        },
      },
    });
    expect(
      await policy.handle({ permission: eventTypeCreatePermission }, carol),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: eventTypeCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('decides producing, failed events and previews per type: owners (a condition) and admins, nobody without a user', async () => {
    for (const permission of [
      eventTypeProducePermission,
      failedEventsReadPermission,
      partitionPreviewPermission,
    ]) {
      expect(await policy.handle({ permission }, alice)).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          rule: 'IS_OWNER',
          params: { owners: ['user:default/alice', 'group:default/playback'] },
        },
      });
      expect(await policy.handle({ permission }, carol)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await policy.handle({ permission })).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it("lets owners change their types: a condition on the user's ownership", async () => {
    expect(
      await policy.handle({ permission: eventTypeUpdatePermission }, alice),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'event-schemas',
      resourceType: 'event-type',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'event-type',
        params: {
          owners: ['user:default/alice', 'group:default/playback'],
        },
      },
    });
  });

  it('lets every signed-in user see event types (in search), nobody without a user', async () => {
    for (const reader of [alice, carol]) {
      expect(
        await policy.handle({ permission: eventTypeReadPermission }, reader),
      ).toEqual({ result: AuthorizeResult.ALLOW });
    }
    expect(
      await policy.handle({ permission: eventTypeReadPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets admins (group refs compared without case) change and delete anything', async () => {
    for (const permission of [
      eventTypeUpdatePermission,
      eventTypeDeletePermission,
    ]) {
      expect(await policy.handle({ permission }, carol)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    expect(
      await policy.handle({ permission: eventTypeDeletePermission }, alice),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets owners and admins read personal data in clear, and only admins erase people', async () => {
    expect(
      await policy.handle({ permission: personalDataReadPermission }, alice),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'event-schemas',
      resourceType: 'event-type',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'event-type',
        params: {
          owners: ['user:default/alice', 'group:default/playback'],
        },
      },
    });
    expect(
      await policy.handle({ permission: personalDataReadPermission }, carol),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: dataSubjectErasePermission }, carol),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: dataSubjectErasePermission }, alice),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets the privacy groups erase people without reading personal data', async () => {
    const withPrivacy = new EventSchemasPermissionPolicy({
      adminGroups: ['group:default/data-platform'],
      privacyGroups: ['group:default/privacy'],
    });
    const dana = user('user:default/dana', ['group:default/Privacy']);
    expect(
      await withPrivacy.handle(
        { permission: dataSubjectErasePermission },
        dana,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await withPrivacy.handle(
        { permission: personalDataReadPermission },
        dana,
      ),
    ).toMatchObject({ result: AuthorizeResult.CONDITIONAL });
    expect(
      await withPrivacy.handle({ permission: eventTypeDeletePermission }, dana),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it("passes other plugins' permissions to the fallback, denying them without one", async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    const unknownOnEventTypes = createPermission({
      name: 'event-schemas.event-type.archive',
      attributes: { action: 'update' },
      resourceType: 'event-type',
    });
    // Installing the suite does not make the portal allow-all.
    for (const permission of [other, unknownOnEventTypes]) {
      expect(await policy.handle({ permission }, carol)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
    const fallback = jest.fn(
      async (): Promise<PolicyDecision> => ({ result: AuthorizeResult.ALLOW }),
    );
    const composed = new EventSchemasPermissionPolicy({
      adminGroups: [],
      fallback: { handle: fallback },
    });
    expect(await composed.handle({ permission: other }, alice)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(fallback).toHaveBeenCalledWith({ permission: other }, alice);
    // The suite's own permissions never reach the fallback.
    await composed.handle({ permission: eventTypeDeletePermission }, alice);
    expect(fallback).toHaveBeenCalledTimes(1);
  });
});

describe('IS_OWNER', () => {
  const eventType = { owner: 'group:default/playback' } as Parameters<
    typeof isOwnerRule.apply
  >[0];

  it('matches when one of the refs owns the type', () => {
    expect(
      isOwnerRule.apply(eventType, {
        owners: ['user:default/alice', 'group:default/Playback'],
      }),
    ).toBe(true);
    expect(
      isOwnerRule.apply(eventType, { owners: ['group:default/search'] }),
    ).toBe(false);
  });
});
