import type { Logger } from './log.js';
import type { Stats } from './stats.js';
import type { DatabaseRegistry } from './store/registry.js';
import type { Clock } from './timestamp.js';
import type { TransactionRegistry } from './transactions.js';

/** The emulator's shared services, handed to the RPC and REST layers. */
export interface EmulatorContext {
  readonly clock: Clock;
  readonly databases: DatabaseRegistry;
  readonly transactions: TransactionRegistry;
  readonly stats: Stats;
  readonly logger: Logger;
  /** How far back a read_time may reach (Firestore: one hour). */
  readonly historyMicros: number;
}
