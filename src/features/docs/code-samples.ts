/**
 * Code samples of one operation of the OpenAPI document, with a key's prefix in place of the
 * key: the dashboard never has a key's secret (it is shown once), only its `key_prefix`.
 */

type Json = { [key: string]: unknown };

export const SAMPLE_LANGUAGES = [
  { value: 'curl', label: 'curl' },
  { value: 'javascript', label: 'JavaScript' },
  { value: 'python', label: 'Python' },
] as const;
export type SampleLanguage = (typeof SAMPLE_LANGUAGES)[number]['value'];

/** What stands for the key in a sample: the prefix, then a mark for the rest of the key. */
export function keyPlaceholder(keyPrefix: string | undefined): string {
  return `${keyPrefix ?? 'sk_live_'}…`;
}

export interface SampleRequest {
  method: string;
  /** The full URL, query string included. */
  url: string;
  query: [string, string][];
  /** The key's placeholder, or null for a route that takes none in its headers. */
  key: string | null;
  body: unknown;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value the schema accepts: its example, default or first choice, else a plain one of its type. */
export function exampleOf(schema: unknown): unknown {
  if (!isJson(schema)) return null;
  if ('example' in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const properties = isJson(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const entries = Object.entries(properties).filter(
        ([name, property]) => required.includes(name) || (isJson(property) && 'example' in property),
      );
      return Object.fromEntries(entries.map(([name, property]) => [name, exampleOf(property)]));
    }
    case 'array':
      return [exampleOf(schema.items)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return true;
    case 'string':
      return 'string';
    default:
      return null;
  }
}

/** The sample request of `method path` in the document, or null if it has no such operation. */
export function sampleRequest(
  document: Json,
  method: string,
  path: string,
  origin: string,
  keyPrefix: string | undefined,
): SampleRequest | null {
  const item = isJson(document.paths) ? document.paths[path] : undefined;
  const operation = isJson(item) ? item[method.toLowerCase()] : undefined;
  if (!isJson(operation)) return null;
  const parameters = Array.isArray(operation.parameters) ? operation.parameters.filter(isJson) : [];
  const query: [string, string][] = parameters
    .filter((parameter) => parameter.in === 'query')
    .filter(
      (parameter) =>
        parameter.required === true || (isJson(parameter.schema) && 'example' in parameter.schema),
    )
    .map((parameter) => [String(parameter.name), String(exampleOf(parameter.schema))]);
  const search = new URLSearchParams(query).toString();
  const requestBody = isJson(operation.requestBody) ? operation.requestBody : undefined;
  const content = isJson(requestBody?.content) ? requestBody.content['application/json'] : undefined;
  const security = Array.isArray(operation.security) ? operation.security : [];
  return {
    method: method.toUpperCase(),
    url: `${origin}${path}${search ? `?${search}` : ''}`,
    query,
    key: security.length > 0 ? keyPlaceholder(keyPrefix) : null,
    body: isJson(content) ? exampleOf(content.schema) : undefined,
  };
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function curl(request: SampleRequest): string {
  const lines = [
    `curl ${request.method === 'GET' ? '' : `-X ${request.method} `}${shellQuote(request.url)}`,
    ...(request.key === null ? [] : [`-H ${shellQuote(`Authorization: Bearer ${request.key}`)}`]),
    ...(request.body === undefined
      ? []
      : [`-H 'Content-Type: application/json'`, `-d ${shellQuote(JSON.stringify(request.body))}`]),
  ];
  return lines.join(' \\\n  ');
}

function javascript(request: SampleRequest): string {
  const headers = [
    ...(request.key === null ? [] : [`Authorization: ${JSON.stringify(`Bearer ${request.key}`)}`]),
    ...(request.body === undefined ? [] : [`'Content-Type': 'application/json'`]),
  ];
  const options = [
    ...(request.method === 'GET' ? [] : [`method: '${request.method}'`]),
    ...(headers.length === 0 ? [] : [`headers: {\n    ${headers.join(',\n    ')},\n  }`]),
    ...(request.body === undefined ? [] : [`body: JSON.stringify(${JSON.stringify(request.body)})`]),
  ];
  const call =
    options.length === 0
      ? `fetch(${JSON.stringify(request.url)})`
      : `fetch(${JSON.stringify(request.url)}, {\n  ${options.join(',\n  ')},\n})`;
  return `const response = await ${call};\nconsole.log(response.status, await response.json());`;
}

/** Python literals of JSON values (True, False, None). */
function python(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(python).join(', ')}]`;
  if (isJson(value))
    return `{${Object.entries(value)
      .map(([name, item]) => `${JSON.stringify(name)}: ${python(item)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

function pythonSample(request: SampleRequest): string {
  const url = request.url.split('?')[0] ?? request.url;
  const args = [
    JSON.stringify(url),
    ...(request.query.length === 0 ? [] : [`params=${python(Object.fromEntries(request.query))}`]),
    ...(request.key === null
      ? []
      : [`headers={"Authorization": ${JSON.stringify(`Bearer ${request.key}`)}}`]),
    ...(request.body === undefined ? [] : [`json=${python(request.body)}`]),
  ];
  return [
    'import requests',
    '',
    `response = requests.${request.method.toLowerCase()}(`,
    ...args.map((arg) => `    ${arg},`),
    ')',
    'print(response.status_code, response.json())',
  ].join('\n');
}

export function codeSample(language: SampleLanguage, request: SampleRequest): string {
  switch (language) {
    case 'curl':
      return curl(request);
    case 'javascript':
      return javascript(request);
    case 'python':
      return pythonSample(request);
  }
}
