import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  eventTypeReadPermission,
  ReferrerImpact,
} from '@data-collection/plugin-event-schemas-common';
import { SchemaRegistry } from '../registry/SchemaRegistry';

/**
 * The referrers' verdicts on a draft of `name`, as a caller may see them:
 * a referrer they may not read is counted, not named, and so is any type
 * on a path that they may not read (`null` in the path).
 */
export async function readableReferrerImpact(options: {
  registry: SchemaRegistry;
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  name: string;
  schema: string;
}): Promise<ReferrerImpact> {
  const { registry, permissions, credentials, name, schema } = options;
  const { items, more } = await registry.checkReferrers({ name, schema });
  const names = [
    ...new Set(items.flatMap(item => item.path).filter(type => type !== name)),
  ];
  const decisions =
    names.length === 0
      ? []
      : await permissions.authorize(
          names.map(type => ({
            permission: eventTypeReadPermission,
            resourceRef: type,
          })),
          { credentials },
        );
  // The caller reads `name`: the route authorized that first.
  const readable = new Set([
    name,
    ...names.filter(
      (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
    ),
  ]);
  const impact: ReferrerImpact = {
    items: [],
    unreadable: { count: 0, incompatible: 0 },
    more,
  };
  for (const item of items) {
    if (readable.has(item.eventType)) {
      impact.items.push({
        ...item,
        path: item.path.map(type => (readable.has(type) ? type : null)),
      });
    } else {
      impact.unreadable.count += 1;
      if (!item.compatible) impact.unreadable.incompatible += 1;
    }
  }
  return impact;
}
