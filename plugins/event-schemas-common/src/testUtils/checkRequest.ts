// For the packages whose clients are checked against an OpenAPI document
// (the backends, the registry's frontend): test code, kept small.

type Parameter = { name: string; in: string; required?: boolean };
type Ref = { $ref: string };
type Schema = {
  properties?: Record<string, unknown>;
  required?: string[];
};
type Operation = {
  parameters?: Array<Parameter | Ref>;
  requestBody?: { content: Record<string, { schema?: Schema | Ref }> };
  responses: Record<string, { content?: Record<string, unknown> } | Ref>;
};
/**
 * The parts of an OpenAPI 3 document that checkRequest reads.
 *
 * @public
 */
export type OpenApiDocument = {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
};

/**
 * What a client's request does that the document does not allow: an
 * undocumented path, method, query parameter or body field, a missing
 * required one, or no JSON answer documented. Empty when it is fine.
 * `basePath` is where the plugin is mounted, e.g. `/api/event-schemas`.
 *
 * @public
 */
export function checkRequest(
  document: OpenApiDocument,
  basePath: string,
  request: { method: string; url: string; body?: unknown },
): string[] {
  const resolve = <T>(value: T | Ref): T => {
    if (value && typeof value === 'object' && '$ref' in value) {
      const [, , kind, name] = value.$ref.split('/');
      return document.components![kind][name] as T;
    }
    return value as T;
  };
  const url = new URL(request.url, 'http://localhost');
  if (!url.pathname.startsWith(`${basePath}/`)) {
    return [`${request.method} ${url.pathname}: not under ${basePath}`];
  }
  const path = url.pathname.slice(basePath.length);
  const method = request.method.toUpperCase();
  // Literal segments win over templates (/event-types/health).
  const template = Object.keys(document.paths)
    .sort((a, b) => a.split('{').length - b.split('{').length)
    .find(candidate =>
      new RegExp(`^${candidate.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
    );
  if (!template) return [`${method} ${path}: no such path in the document`];
  const item = document.paths[template];
  const operation = item[method.toLowerCase()] as Operation | undefined;
  if (!operation) return [`${method} ${template}: not in the document`];

  const problems: string[] = [];
  const parameters = [
    ...((item.parameters as Operation['parameters']) ?? []),
    ...(operation.parameters ?? []),
  ].map(p => resolve<Parameter>(p));
  const sent = [...url.searchParams.keys()];
  for (const name of sent) {
    if (!parameters.some(p => p.in === 'query' && p.name === name)) {
      problems.push(`${method} ${template}: query parameter '${name}'`);
    }
  }
  for (const p of parameters) {
    if (p.in === 'query' && p.required && !sent.includes(p.name)) {
      problems.push(`${method} ${template}: no '${p.name}'`);
    }
  }
  for (const name of template.match(/\{\w+\}/g) ?? []) {
    if (!parameters.some(p => p.in === 'path' && `{${p.name}}` === name)) {
      problems.push(`${method} ${template}: path parameter ${name}`);
    }
  }

  if (request.body !== undefined) {
    const json = operation.requestBody?.content['application/json'];
    if (!json?.schema) {
      problems.push(`${method} ${template}: no JSON body documented`);
    } else {
      const schema = resolve<Schema>(json.schema);
      const fields = Object.keys(request.body as object);
      for (const field of fields) {
        if (schema.properties && !schema.properties[field]) {
          problems.push(`${method} ${template}: body field '${field}'`);
        }
      }
      for (const field of schema.required ?? []) {
        if (!fields.includes(field)) {
          problems.push(`${method} ${template}: no body field '${field}'`);
        }
      }
    }
  }

  const success = Object.entries(operation.responses)
    .filter(([status]) => status.startsWith('2') && status !== '204')
    .map(([, response]) => resolve(response));
  if (!success.some(response => response.content?.['application/json'])) {
    problems.push(`${method} ${template}: no JSON success response`);
  }
  return problems;
}
