import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { EmulatorContext } from './context.js';
import { Code, codeName, invalidArgument, notFound, toFirestoreError } from './errors.js';
import { exportDatabase, importExport } from './export.js';
import { makeDatabaseName, parseDatabaseName } from './resource-names.js';
import type { TriggerDelivery } from './triggers/delivery.js';
import type { RegistrationBody, TriggerRegistry } from './triggers/registry.js';

export interface RestDependencies {
  readonly context: EmulatorContext;
  readonly triggers: TriggerRegistry;
  readonly delivery: TriggerDelivery;
}

const HTTP_STATUS: Partial<Record<number, number>> = {
  [Code.INVALID_ARGUMENT]: 400,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.ABORTED]: 409,
  [Code.UNIMPLEMENTED]: 501,
};

const PROJECT = '([^/:]+)';
const routes: readonly {
  method: string;
  pattern: RegExp;
  handler: (
    deps: RestDependencies,
    match: RegExpExecArray,
    request: RestRequest,
  ) => Promise<RestReply> | RestReply;
}[] = [
  { method: 'GET', pattern: /^\/$/, handler: () => ({ status: 200, text: 'Ok' }) },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/databases/([^/]+)/documents$`),
    handler: ({ context }, match) => {
      const db = context.databases.get(
        parseDatabaseName(`projects/${match[1] ?? ''}/databases/${match[2] ?? ''}`),
      );
      context.transactions.abortAll(db, invalidArgument('The database was cleared.'));
      db.clear(context.clock.commitTime());
      return { status: 200, json: {} };
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}:securityRules$`),
    // Rules are accepted but not evaluated: every Keymeter access goes through the Admin SDK,
    // which bypasses rules anyway.
    handler: () => ({ status: 200, json: { issues: [] } }),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}:export$`),
    handler: async ({ context }, match, request) => {
      const body = await request.json();
      const db = context.databases.get(databaseFrom(body['database'], match[1] ?? ''));
      const directory = stringField(body, 'export_directory');
      const name = stringField(body, 'export_name');
      const result = await exportDatabase(db, directory, name, context);
      context.logger.info(
        `Exported ${result.documentCount} documents of ${db.name.name} to ${result.directory}`,
      );
      return {
        status: 200,
        json: { metadata_file: result.metadataFile, document_count: result.documentCount },
      };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}:import$`),
    handler: async ({ context }, match, request) => {
      const body = await request.json();
      const db = context.databases.get(databaseFrom(body['database'], match[1] ?? ''));
      const metadataFile =
        typeof body['metadata_file'] === 'string'
          ? body['metadata_file']
          : path.join(
              stringField(body, 'export_directory'),
              stringField(body, 'export_name'),
              `${stringField(body, 'export_name')}.overall_export_metadata`,
            );
      const result = await importExport(metadataFile, context, db);
      context.logger.info(
        `Imported ${result.documentCount} documents into ${db.name.name} from ${metadataFile}`,
      );
      return { status: 200, json: { document_count: result.documentCount } };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/eventarcTrigger$`),
    handler: async ({ triggers }, match, request) => {
      const body = (await request.json()) as RegistrationBody;
      triggers.register(match[1] ?? '', request.query.get('eventarcTriggerId') ?? '', body);
      return { status: 200, json: {} };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/eventarcTrigger$`),
    handler: ({ triggers }, match, request) => {
      const id = request.query.get('eventarcTriggerId') ?? '';
      if (!triggers.unregister(match[1] ?? '', id)) throw notFound(`No trigger with id "${id}".`);
      return { status: 200, json: {} };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/triggers$`),
    handler: ({ triggers }, match) => ({
      status: 200,
      json: {
        triggers: triggers.list(match[1] ?? '').map((t) => ({
          id: t.id,
          eventType: t.eventType,
          database: t.database,
          document: { value: t.pattern.normalized, matchType: t.pattern.exact ? 'EXACT' : 'PATH_PATTERN' },
        })),
      },
    }),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/triggers$`),
    handler: ({ triggers }, match) => ({ status: 200, json: { removed: triggers.clear(match[1] ?? '') } }),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/triggers/([^/]+)$`),
    handler: ({ context }, match) => {
      context.logger.warn(
        `Legacy (v1) Firestore trigger ${match[2] ?? ''} registered: v1 background triggers are accepted but not ` +
          'delivered by the Keymeter emulator; use firebase-functions/v2/firestore.',
      );
      return { status: 200, json: {} };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/emulator/v1/projects/${PROJECT}/triggerDeliveries$`),
    // ?waitForIdleMs=N answers once nothing is pending (or after N ms), so tests need not poll.
    handler: async ({ delivery }, match, request) => {
      const project = match[1] ?? '';
      const wait = Number(request.query.get('waitForIdleMs') ?? '0');
      if (Number.isFinite(wait) && wait > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          delivery.whenIdle(project),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.min(wait, 120_000));
          }),
        ]);
        clearTimeout(timer);
      }
      return { status: 200, json: { ...delivery.countsFor(project) } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/keymeter\/v1\/stats$/,
    handler: ({ context }) => ({ status: 200, json: context.stats.snapshot() }),
  },
  {
    method: 'DELETE',
    pattern: /^\/keymeter\/v1\/stats$/,
    handler: ({ context }) => {
      context.stats.reset();
      return { status: 200, json: {} };
    },
  },
];

interface RestRequest {
  readonly query: URLSearchParams;
  json(): Promise<Record<string, unknown>>;
}

type RestReply = { status: number; json: unknown } | { status: number; text: string };

function databaseFrom(value: unknown, project: string) {
  if (typeof value === 'string' && value !== '') {
    const parsed = parseDatabaseName(value);
    if (parsed.project !== project)
      throw invalidArgument(`database "${value}" is not in project ${project}.`);
    return parsed;
  }
  return makeDatabaseName(project, '(default)');
}

function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalidArgument(`"${field}" is required.`);
  return value;
}

function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          reject(invalidArgument('The request body must be a JSON object.'));
        } else resolve(parsed as Record<string, unknown>);
      } catch {
        reject(invalidArgument('The request body is not valid JSON.'));
      }
    });
  });
}

/** The HTTP/1.1 side of the port: the emulator control API firebase-tools and tests call. */
export function createRestHandler(
  deps: RestDependencies,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? '*',
      });
      response.end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://emulator');
    let pathname = url.pathname;
    void (async () => {
      try {
        pathname = decodeURIComponent(url.pathname);
        let pathMatched = false;
        for (const route of routes) {
          const match = route.pattern.exec(pathname);
          if (match === null) continue;
          pathMatched = true;
          if (route.method !== request.method) continue;
          let body: Promise<Record<string, unknown>> | undefined;
          const reply = await route.handler(deps, match, {
            query: url.searchParams,
            json: () => (body ??= readBody(request)),
          });
          send(response, reply);
          return;
        }
        send(response, {
          status: pathMatched ? 405 : 404,
          json: errorBody(
            pathMatched ? 405 : 404,
            `${request.method ?? 'GET'} ${pathname} is not supported by the Keymeter Firestore emulator.`,
            pathMatched ? 'UNIMPLEMENTED' : 'NOT_FOUND',
          ),
        });
      } catch (error) {
        const failure = toFirestoreError(error);
        if (failure.code === Code.INTERNAL)
          deps.context.logger.error(`REST ${request.method ?? ''} ${pathname}: ${failure.message}`);
        const status = HTTP_STATUS[failure.code] ?? 500;
        send(response, { status, json: errorBody(status, failure.message, codeName(failure.code)) });
      }
    })();
  };
}

function errorBody(status: number, message: string, code: string) {
  return { error: { code: status, message, status: code } };
}

function send(response: ServerResponse, reply: RestReply): void {
  if (response.headersSent) return;
  if ('text' in reply) {
    response.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(reply.text);
  } else {
    response.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(reply.json));
  }
}
