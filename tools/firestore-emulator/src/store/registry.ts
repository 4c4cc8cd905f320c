import type { Logger } from '../log.js';
import { makeDatabaseName, type DatabaseName } from '../resource-names.js';
import { Database, type CommitListener } from './database.js';

export interface RegistryOptions {
  readonly lockTimeoutMs: number;
  readonly historyMicros: number;
  /** With single-project mode, requests for other projects are served but warned about once. */
  readonly singleProjectId: string | undefined;
  readonly logger: Logger;
}

/**
 * All databases, created on first use like the official emulator does: any project id and
 * database id can be used, each with its own data.
 */
export class DatabaseRegistry {
  private readonly databases = new Map<string, Database>();
  private readonly commitListeners = new Set<CommitListener>();
  private readonly warnedProjects = new Set<string>();

  constructor(private readonly options: RegistryOptions) {}

  get(name: DatabaseName): Database {
    let db = this.databases.get(name.name);
    if (db === undefined) {
      this.warnIfOtherProject(name.project);
      db = new Database(name, this.options.lockTimeoutMs, this.options.historyMicros);
      for (const listener of this.commitListeners) db.onCommit(listener);
      this.databases.set(name.name, db);
    }
    return db;
  }

  forProject(project: string, database = '(default)'): Database {
    return this.get(makeDatabaseName(project, database));
  }

  existing(name: string): Database | undefined {
    return this.databases.get(name);
  }

  all(): IterableIterator<Database> {
    return this.databases.values();
  }

  /**
   * Subscribes to the commits of every database, present and future. A listener runs inside the
   * commit, after the data is installed: its failure is logged, never turned into a failed commit.
   */
  onCommit(listener: CommitListener): void {
    const guarded: CommitListener = (event) => {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error(
          `A commit listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    };
    this.commitListeners.add(guarded);
    for (const db of this.databases.values()) db.onCommit(guarded);
  }

  private warnIfOtherProject(project: string): void {
    const expected = this.options.singleProjectId;
    if (expected === undefined || project === expected || this.warnedProjects.has(project)) return;
    this.warnedProjects.add(project);
    this.options.logger.warn(
      `Multiple project IDs are not recommended in single project mode. Requested project ID ` +
        `${project}, but the emulator is configured for ${expected}. To opt out of single project ` +
        `mode, set "singleProjectMode": false in the firebase.json emulators config.`,
    );
  }
}
