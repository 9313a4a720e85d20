import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
// The suite's policy, as the portal installs it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { EventSchemasPermissionPolicy } from '@data-collection/plugin-event-schemas-backend';
import request from 'supertest';
import { Server } from './pipelineTestBackend';

/**
 * The permission framework as the portal runs it: the suite's policy (with
 * `group:default/data-platform` as the admins), and for its conditional
 * decisions the registry's own apply-conditions endpoint (the pipeline's
 * permissions are on the registry's `event-type` resources). Service
 * principals skip the policy, as Backstage's permissions service lets them.
 * A stand-in for the permission backend, which cannot call plugins back
 * under the test backend's mock auth.
 *
 * @param ownership - each user's ownership refs (themselves and their groups)
 * @param server - the test backend, once started
 * @param adopt - an adopter's policy around the suite's, if any
 */
export function permissionStandIn(
  ownership: Record<string, string[]>,
  server: () => Server,
  adopt: (suite: PermissionPolicy) => PermissionPolicy = suite => suite,
) {
  const policy = adopt(
    new EventSchemasPermissionPolicy({
      adminGroups: ['group:default/data-platform'],
    }),
  );
  const userOf = (principal: unknown) => {
    const ref = (principal as { userEntityRef?: string }).userEntityRef;
    return ref
      ? ({
          info: { userEntityRef: ref, ownershipEntityRefs: ownership[ref] },
        } as PolicyQueryUser)
      : undefined;
  };
  return mockServices.permissions.mock({
    authorizeConditional: async (requests, { credentials }) => {
      const user = userOf(credentials.principal);
      return Promise.all(
        requests.map(query =>
          user
            ? policy.handle({ permission: query.permission }, user)
            : { result: AuthorizeResult.ALLOW },
        ),
      ) as any;
    },
    authorize: async (requests, { credentials }) => {
      const user = userOf(credentials.principal);
      if (!user) return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      return Promise.all(
        requests.map(async query => {
          const decision: PolicyDecision = await policy.handle(
            { permission: query.permission },
            user,
          );
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const applied = await request(server())
            .post(
              '/api/event-schemas/.well-known/backstage/permissions/apply-conditions',
            )
            .set('Authorization', mockCredentials.service.header())
            .send({
              items: [
                {
                  id: '1',
                  resourceRef: (query as { resourceRef: string }).resourceRef,
                  resourceType: decision.resourceType,
                  conditions: decision.conditions,
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
      );
    },
  }).factory;
}

/** The auditor's records, each with its outcome once known. */
export type AuditRecord = {
  eventId: string;
  meta?: unknown;
  outcome?: unknown;
  error?: string;
};

/** An auditor that keeps its records for the test to read. */
export function recordingAuditor() {
  const audits: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, meta }) => {
      const audit: AuditRecord = { eventId, meta };
      audits.push(audit);
      return {
        success: async (options?: { meta?: unknown }) => {
          audit.outcome = options?.meta ?? 'success';
        },
        fail: async (options: { error: Error }) => {
          audit.outcome = 'fail';
          audit.error = options.error.message;
        },
      };
    },
  });
  return { audits, factory: auditor.factory };
}
