import {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { registerCheckCompatibilityAction } from './checkCompatibility';
import { registerFindEventTypesAction } from './findEventTypes';
import { registerGetEventTypeAction } from './getEventType';
import { registerRegisterVersionAction } from './registerEventTypeVersion';
import { ReadAuthorization } from '../service/ReadAuthorization';

/**
 * The registry's actions (AI tools through MCP, with
 * `@backstage/plugin-mcp-actions-backend`): each decides and audits as its
 * HTTP route does, through the same functions.
 */
export function registerEventTypeActions(options: {
  actionsRegistry: ActionsRegistryService;
  registry: SchemaRegistry;
  permissions: PermissionsService;
  /** Which types a caller may list, as for the routes. */
  reads: ReadAuthorization;
  /** The routes' limiter: a caller's registrations count once, however sent. */
  rateLimiter: RegistrationRateLimiter;
  auditor: AuditorService;
}) {
  registerFindEventTypesAction(options);
  registerGetEventTypeAction(options);
  registerCheckCompatibilityAction(options);
  registerRegisterVersionAction(options);
}
