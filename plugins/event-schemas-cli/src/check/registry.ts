import { CliError, errorMessage } from '../context';

/** The registry's answer for one event type file. */
export type RegistryAnswer =
  | { status: 'new' }
  | { status: 'refused'; message: string }
  | {
      status: 'checked';
      compatible: boolean;
      messages: string[];
      /** Who a breaking change affects, when the registry says; passed on as is. */
      impact?: unknown;
    };

const TIMEOUT_MS = 30_000;

/**
 * Asks a registry whether a schema could be registered as the next version
 * of a type (`POST /api/event-schemas/event-types/{name}/compatibility`),
 * as the registry's own rules and the type's registered mode decide.
 */
export class RegistryCompatibilityClient {
  private readonly baseUrl: string;

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
    const url = `${
      this.baseUrl
    }/api/event-schemas/event-types/${encodeURIComponent(
      options.name,
    )}/compatibility`;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token
            ? { authorization: `Bearer ${this.options.token}` }
            : {}),
        },
        body: JSON.stringify({ schema: options.schema }),
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
    const body = await readJson(response);
    const errorBody = body as
      | { error?: { name?: string; message?: string } }
      | undefined;
    if (response.status === 200) {
      const result = body as {
        compatible?: unknown;
        messages?: unknown;
        impact?: unknown;
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
      };
    }
    // Only the registry's own "no such event type" means new: a 404 from
    // something else is a wrong URL.
    if (response.status === 404 && errorBody?.error?.name === 'NotFoundError') {
      return { status: 'new' };
    }
    if (response.status === 400 && errorBody?.error?.message) {
      return { status: 'refused', message: errorBody.error.message };
    }
    if (response.status === 401 || response.status === 403) {
      throw new CliError(
        `--registry: ${this.baseUrl} refused the request (${
          response.status
        }): ${
          this.options.token
            ? 'EVENT_SCHEMAS_TOKEN is not accepted there, or may not read this event type'
            : 'set EVENT_SCHEMAS_TOKEN to a token the registry accepts'
        }${errorBody?.error?.message ? ` (${errorBody.error.message})` : ''}`,
      );
    }
    throw new CliError(
      `--registry: ${url} answered ${response.status}${
        errorBody?.error?.message ? `: ${errorBody.error.message}` : ''
      }`,
    );
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
