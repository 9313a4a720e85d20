import { CloudEventJson } from './exampleEvent';

// How producers send an event to ingest (`POST /api/delivery-pipeline/events`,
// see the repository README): structured mode, with a Backstage
// external-access token in `Authorization`.

/** The ingest endpoint under the pipeline's base URL. */
export function ingestUrl(pipelineBaseUrl: string): string {
  return `${pipelineBaseUrl}/events`;
}

/** Quotes text for a POSIX shell: single quotes, with `'` written `'\''`. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The event sent with curl; the token comes from `$TOKEN`. */
export function curlSnippet(options: {
  url: string;
  event: CloudEventJson;
}): string {
  const { url, event } = options;
  return [
    `curl -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/cloudevents+json' \\`,
    `  -H "Authorization: Bearer $TOKEN" \\`,
    `  -d ${shellQuote(JSON.stringify(event, null, 2))}`,
  ].join('\n');
}

/**
 * The event sent with the CloudEvents JavaScript SDK in structured mode; the
 * token comes from the `TOKEN` environment variable.
 */
export function sdkSnippet(options: {
  url: string;
  event: CloudEventJson;
}): string {
  const { url, event } = options;
  // JSON is a JavaScript object literal: the attributes read as they are sent.
  const attributes = JSON.stringify(event, null, 2);
  return `import { CloudEvent, HTTP, Mode, emitterFor, httpTransport } from 'cloudevents';

const event = new CloudEvent(${attributes});

// Structured mode: the whole event is the body, as application/cloudevents+json.
const emit = emitterFor(httpTransport(${JSON.stringify(url)}), {
  binding: HTTP,
  mode: Mode.STRUCTURED,
});

await emit(event, {
  headers: { Authorization: \`Bearer \${process.env.TOKEN}\` },
});
`;
}
