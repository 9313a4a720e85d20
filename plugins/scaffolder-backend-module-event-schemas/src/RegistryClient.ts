import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CompatibilityMode,
  CompatibilityResult,
  EventType,
  EventTypeFormat,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { IncompatibleSchemaError } from './IncompatibleSchemaError';

/** The registry's plugin id, for discovery and on-behalf-of tokens. */
const REGISTRY_PLUGIN_ID = 'event-schemas';

/**
 * The body of `POST /event-types`, as far as the actions fill it in.
 *
 * @public
 */
export type NewEventTypeRequest = {
  name: string;
  title?: string;
  description?: string;
  owner: string;
  format: EventTypeFormat;
  compatibility?: CompatibilityMode;
  /** The schema's text (JSON Schema or Avro, both JSON). */
  schema: string;
};

/**
 * What `POST /event-types` answers: the type, with its first version.
 *
 * @public
 */
export type RegisteredEventType = EventType & {
  version: number;
  fingerprint: string;
};

/**
 * The registry's write API, called with the credentials of the user running
 * a template: the token is issued on their behalf, so the registry decides
 * with its own permission checks exactly as for a request from the portal.
 * (HttpEventTypeReader in event-schemas-node reads as the calling plugin's
 * service identity, which the registry would let do anything.)
 *
 * Refusals become `@backstage/errors` types whose message is the registry's,
 * so the scaffolder shows the user what to change.
 *
 * @public
 */
export class RegistryClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  /** `undefined` when no type has this name. */
  async getEventType(options: {
    name: string;
    credentials: BackstageCredentials;
  }): Promise<EventType | undefined> {
    const response = await this.#request({
      method: 'GET',
      path: `/event-types/${encodeURIComponent(options.name)}`,
      credentials: options.credentials,
    });
    if (response.status === 404) return undefined;
    return ok<EventType>(response);
  }

  /** Registers a new event type with its first schema version. */
  async createEventType(options: {
    request: NewEventTypeRequest;
    credentials: BackstageCredentials;
  }): Promise<RegisteredEventType> {
    const response = await this.#request({
      method: 'POST',
      path: '/event-types',
      body: options.request,
      credentials: options.credentials,
    });
    return ok<RegisteredEventType>(response);
  }

  /**
   * Registers a schema as the type's next version; `created` is false when
   * the registry already had it (a canonically identical version).
   */
  async registerVersion(options: {
    name: string;
    schema: string;
    credentials: BackstageCredentials;
  }): Promise<{ version: EventTypeVersion; created: boolean }> {
    const response = await this.#request({
      method: 'POST',
      path: `/event-types/${encodeURIComponent(options.name)}/versions`,
      body: { schema: options.schema },
      credentials: options.credentials,
    });
    const version = await ok<EventTypeVersion>(response);
    return { version, created: response.status === 201 };
  }

  /** The check registering a version makes, changing nothing. */
  async checkCompatibility(options: {
    name: string;
    schema: string;
    credentials: BackstageCredentials;
  }): Promise<CompatibilityResult> {
    const response = await this.#request({
      method: 'POST',
      path: `/event-types/${encodeURIComponent(options.name)}/compatibility`,
      body: { schema: options.schema },
      credentials: options.credentials,
    });
    return ok<CompatibilityResult>(response);
  }

  async #request(options: {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    credentials: BackstageCredentials;
  }): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl(REGISTRY_PLUGIN_ID);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: REGISTRY_PLUGIN_ID,
    });
    return fetch(`${baseUrl}${options.path}`, {
      method: options.method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options.body !== undefined && {
          'Content-Type': 'application/json',
        }),
      },
      body:
        options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  }
}

/**
 * The body of a 2xx answer; otherwise the registry's refusal as the
 * matching `@backstage/errors` type, with the registry's own message (and,
 * for an incompatible schema, every reason it gave).
 */
async function ok<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok) return body as T;

  const message =
    body?.error?.message ??
    `The event-schemas registry answered ${response.status} ${response.statusText}`;
  switch (response.status) {
    case 400:
      throw new InputError(message);
    case 403:
      throw new NotAllowedError(message);
    case 404:
      throw new NotFoundError(message);
    case 409:
      if (body?.compatible === false && Array.isArray(body.messages)) {
        throw new IncompatibleSchemaError(message, body.messages);
      }
      throw new ConflictError(message);
    default:
      throw new Error(
        `${message}${
          response.status === 429
            ? `; retry after ${
                response.headers.get('Retry-After') ?? 'a while'
              } s`
            : ''
        }`,
      );
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
