import {
  CompatibilityImpact,
  EventTypeFormat,
  ReferrerImpact,
} from '@data-collection/plugin-event-schemas-common';
import { CliError, errorMessage } from '../context';

/** The registry's answer for one event type file. */
export type RegistryAnswer =
  | { status: 'new' }
  | { status: 'refused'; message: string }
  | {
      status: 'checked';
      compatible: boolean;
      messages: string[];
      /** Who a breaking change affects, when the registry says. */
      impact?: CompatibilityImpact;
      /** How the types that reference it would take it, when it says. */
      referrers?: ReferrerImpact;
    };

/** A registered version's schema, as references resolve to it. */
export type RegisteredSchema = { format: EventTypeFormat; schema: string };

const TIMEOUT_MS = 30_000;

type ErrorBody = { error?: { name?: string; message?: string } } | undefined;

/**
 * The registry's HTTP API as `check --registry` uses it: whether a schema
 * could be registered as the next version of a type
 * (`POST /api/event-schemas/event-types/{name}/compatibility`), and the
 * registered versions that references name.
 */
export class RegistryClient {
  private readonly baseUrl: string;
  /** Each registered version is read once per run, however many files name it. */
  private readonly versions = new Map<
    string,
    Promise<RegisteredSchema | undefined>
  >();

  constructor(
    private readonly options: {
      url: string;
      token: string | undefined;
      fetch: typeof fetch;
    },
  ) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  async check(options: {
    name: string;
    schema: string;
  }): Promise<RegistryAnswer> {
    const { url, status, body } = await this.request({
      path: `/event-types/${encodeURIComponent(options.name)}/compatibility`,
      body: { schema: options.schema },
    });
    const errorBody = body as ErrorBody;
    if (status === 200) {
      const result = body as {
        compatible?: unknown;
        messages?: unknown;
        impact?: CompatibilityImpact;
        referrers?: ReferrerImpact;
      };
      if (
        typeof result?.compatible !== 'boolean' ||
        !Array.isArray(result.messages)
      ) {
        throw new CliError(
          `--registry: ${url} did not answer as the event-schemas registry does (no compatible and messages in its answer)`,
        );
      }
      return {
        status: 'checked',
        compatible: result.compatible,
        messages: result.messages.map(String),
        ...(result.impact !== undefined ? { impact: result.impact } : {}),
        ...(result.referrers !== undefined
          ? { referrers: result.referrers }
          : {}),
      };
    }
    if (isNotFound(status, errorBody)) {
      return { status: 'new' };
    }
    if (status === 400 && errorBody?.error?.message) {
      return { status: 'refused', message: errorBody.error.message };
    }
    throw this.failure({ url, status, body: errorBody });
  }

  /**
   * A registered version of a type, with the type's format; undefined when
   * the registry has no such type or version.
   */
  getVersion(options: {
    eventType: string;
    version: number;
  }): Promise<RegisteredSchema | undefined> {
    const key = `${options.eventType}@${options.version}`;
    let pending = this.versions.get(key);
    if (!pending) {
      pending = this.readVersion(options);
      this.versions.set(key, pending);
    }
    return pending;
  }

  private async readVersion(options: {
    eventType: string;
    version: number;
  }): Promise<RegisteredSchema | undefined> {
    const name = encodeURIComponent(options.eventType);
    const type = await this.request({ path: `/event-types/${name}` });
    if (isNotFound(type.status, type.body as ErrorBody)) return undefined;
    if (type.status !== 200) throw this.failure(type);
    const version = await this.request({
      path: `/event-types/${name}/versions/${options.version}`,
    });
    if (isNotFound(version.status, version.body as ErrorBody)) {
      return undefined;
    }
    if (version.status !== 200) throw this.failure(version);
    const format = (type.body as { format?: unknown })?.format;
    const schema = (version.body as { schema?: unknown })?.schema;
    if (typeof format !== 'string' || typeof schema !== 'string') {
      throw new CliError(
        `--registry: ${version.url} did not answer as the event-schemas registry does (no format or schema in its answer)`,
      );
    }
    return { format: format as EventTypeFormat, schema };
  }

  private async request(options: {
    path: string;
    body?: unknown;
  }): Promise<{ url: string; status: number; body: unknown }> {
    const url = `${this.baseUrl}/api/event-schemas${options.path}`;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: options.body === undefined ? 'GET' : 'POST',
        headers: {
          ...(options.body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
          ...(this.options.token
            ? { authorization: `Bearer ${this.options.token}` }
            : {}),
        },
        ...(options.body === undefined
          ? {}
          : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      throw new CliError(
        `--registry: cannot reach ${this.baseUrl}: ${errorMessage(
          cause ?? error,
        )}`,
      );
    }
    return { url, status: response.status, body: await readJson(response) };
  }

  private failure(options: {
    url: string;
    status: number;
    body: unknown;
  }): CliError {
    const { url, status } = options;
    const body = options.body as ErrorBody;
    if (status === 401 || status === 403) {
      return new CliError(
        `--registry: ${this.baseUrl} refused the request (${status}): ${
          this.options.token
            ? 'EVENT_SCHEMAS_TOKEN is not accepted there, or may not read this event type'
            : 'set EVENT_SCHEMAS_TOKEN to a token the registry accepts'
        }${body?.error?.message ? ` (${body.error.message})` : ''}`,
      );
    }
    return new CliError(
      `--registry: ${url} answered ${status}${
        body?.error?.message ? `: ${body.error.message}` : ''
      }`,
    );
  }
}

/**
 * Only the registry's own "no such event type" counts: a 404 from something
 * else is a wrong URL.
 */
function isNotFound(status: number, body: ErrorBody): boolean {
  return status === 404 && body?.error?.name === 'NotFoundError';
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
