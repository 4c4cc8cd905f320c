import { Server } from '@grpc/grpc-js';
import type { EmulatorContext } from './context.js';
import { importExport } from './export.js';
import { FirestoreService } from './grpc-service.js';
import { ListenService } from './listen.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { firestoreServiceDefinition } from './proto/schema.js';
import { createRestHandler } from './rest.js';
import { listenShared } from './server.js';
import { Stats } from './stats.js';
import { DatabaseRegistry } from './store/registry.js';
import { Clock } from './timestamp.js';
import { TransactionRegistry } from './transactions.js';
import { TriggerDelivery } from './triggers/delivery.js';
import { TriggerRegistry } from './triggers/registry.js';

export interface EmulatorOptions {
  /** Address to listen on; "localhost" listens on 127.0.0.1 and ::1. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** `host:port` of the Functions emulator that receives trigger events. */
  readonly functionsEmulator?: string;
  /** An export's `.overall_export_metadata` file to load before serving. */
  readonly seedFromExport?: string;
  readonly projectId?: string;
  /** Warn about requests for projects other than projectId (the official emulator's behaviour). */
  readonly singleProjectMode?: boolean;
  readonly logLevel?: LogLevel;
  readonly logger?: Logger;
  /** How long a lock wait may last before ABORTED "Transaction lock timeout." (default 30 s). */
  readonly lockTimeoutMs?: number;
  /** Idle and total lifetimes of a transaction (defaults: 60 s and 270 s, as in production). */
  readonly transactionIdleMs?: number;
  readonly transactionMaxAgeMs?: number;
  /** How far back read_time may reach (default one hour, as in production). */
  readonly historyMs?: number;
}

export interface RunningEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port` for FIRESTORE_EMULATOR_HOST. */
  readonly address: string;
  /** Resolves once every pending trigger delivery was answered. */
  triggerDeliveriesIdle(): Promise<void>;
  close(): Promise<void>;
}

export const KEYMETER_EMULATOR_NAME = 'Keymeter Firestore emulator';

/** Starts the emulator: gRPC (google.firestore.v1.Firestore) and the REST control API on one port. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = normalizeHost(options.host ?? '127.0.0.1');
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const historyMicros = (options.historyMs ?? 3_600_000) * 1000;
  const clock = new Clock();
  const context: EmulatorContext = {
    clock,
    databases: new DatabaseRegistry({
      lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
      historyMicros,
      singleProjectId: options.singleProjectMode === true ? options.projectId : undefined,
      logger,
    }),
    transactions: new TransactionRegistry({
      idleMs: options.transactionIdleMs ?? 60_000,
      maxAgeMs: options.transactionMaxAgeMs ?? 270_000,
    }),
    stats: new Stats(),
    logger,
    historyMicros,
  };

  const delivery = new TriggerDelivery({ functionsEmulator: options.functionsEmulator, logger });
  const triggers = new TriggerRegistry(delivery, logger);
  context.databases.onCommit((event) => triggers.onCommit(event));

  if (options.seedFromExport !== undefined) {
    const target =
      options.projectId === undefined ? undefined : context.databases.forProject(options.projectId);
    const seeded = await importExport(options.seedFromExport, context, target);
    logger.info(
      `Seeded ${seeded.documentCount} documents into ${seeded.db.name.name} from ${options.seedFromExport}`,
    );
  }

  const listen = new ListenService(context);
  const service = new FirestoreService(context, listen);
  const grpcServer = new Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    // Channelz keeps per-call statistics nobody reads here; it costs on every call.
    'grpc.enable_channelz': 0,
  });
  grpcServer.addService(firestoreServiceDefinition(), service.implementation());
  const rest = createRestHandler({ context, triggers, delivery });
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  const shared = await listenShared(grpcServer, rest, hosts, options.port ?? 8080);

  const sweeper = setInterval(() => {
    const now = clock.readTime();
    for (const db of context.databases.all()) db.sweep(now);
  }, 60_000);
  sweeper.unref();

  const displayHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    host,
    port: shared.port,
    address: `${displayHost}:${shared.port}`,
    triggerDeliveriesIdle: () => delivery.whenIdle(),
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      context.transactions.close();
      delivery.close();
      await shared.close();
      grpcServer.forceShutdown();
    },
  };
}

function normalizeHost(host: string): string {
  const trimmed = host.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}
