import { invalidArgument } from '../errors.js';
import type { Logger } from '../log.js';
import type { CommitEvent, DocumentChange } from '../store/database.js';
import { buildCloudEvent } from './cloud-event.js';
import type { TriggerDelivery } from './delivery.js';
import { DocumentPattern } from './pattern.js';

const EVENT_KINDS = ['created', 'updated', 'deleted', 'written'] as const;
type EventKind = (typeof EVENT_KINDS)[number];
const EVENT_PREFIX = 'google.cloud.firestore.document.v1.';

export interface TriggerRegistration {
  readonly id: string;
  readonly project: string;
  readonly eventType: string;
  readonly kind: EventKind;
  readonly database: string;
  readonly namespace: string;
  readonly pattern: DocumentPattern;
  readonly registeredAtMs: number;
}

/** What firebase-tools' functions emulator POSTs (getV2FirestoreAttributes). */
export interface RegistrationBody {
  readonly eventType?: unknown;
  readonly database?: unknown;
  readonly namespace?: unknown;
  readonly document?: { readonly value?: unknown; readonly matchType?: unknown } | unknown;
}

/**
 * Firestore v2 (Eventarc) trigger registrations, and the dispatch of committed changes to them.
 * Registering an existing id replaces it. firebase-tools never unregisters Firestore triggers:
 * when the Functions emulator reloads it registers them again under new ids (`<fn>-<generation>`)
 * and answers events for the old ids with 204 "Background triggers are currently disabled", so
 * stale registrations are harmless; DELETE is offered for explicit removal.
 */
export class TriggerRegistry {
  private readonly registrations = new Map<string, TriggerRegistration>();

  constructor(
    private readonly delivery: TriggerDelivery,
    private readonly logger: Logger,
  ) {}

  register(project: string, id: string, body: RegistrationBody): TriggerRegistration {
    if (id === '') throw invalidArgument('eventarcTriggerId is required.');
    const eventType = typeof body.eventType === 'string' ? body.eventType : '';
    const kindText = eventType.startsWith(EVENT_PREFIX)
      ? eventType.slice(EVENT_PREFIX.length).replace(/\.withAuthContext$/, '')
      : '';
    const kind = EVENT_KINDS.find((candidate) => candidate === kindText);
    if (kind === undefined) {
      throw invalidArgument(
        `Unsupported eventType "${eventType}": expected ${EVENT_PREFIX}{created,updated,deleted,written}[.withAuthContext].`,
      );
    }
    const document =
      typeof body.document === 'object' && body.document !== null
        ? (body.document as { value?: unknown; matchType?: unknown })
        : {};
    const value = typeof document.value === 'string' ? document.value : '';
    if (value === '') throw invalidArgument('document.value (the document path or pattern) is required.');
    const matchType = document.matchType ?? 'EXACT';
    if (matchType !== 'EXACT' && matchType !== 'PATH_PATTERN') {
      throw invalidArgument(
        `Unsupported document.matchType "${String(matchType)}": expected EXACT or PATH_PATTERN.`,
      );
    }
    const registration: TriggerRegistration = {
      id,
      project,
      eventType,
      kind,
      database: typeof body.database === 'string' && body.database !== '' ? body.database : '(default)',
      namespace: typeof body.namespace === 'string' && body.namespace !== '' ? body.namespace : '(default)',
      pattern: new DocumentPattern(value, matchType === 'EXACT'),
      registeredAtMs: Date.now(),
    };
    const replaced = this.registrations.has(id);
    this.registrations.set(id, registration);
    this.logger.info(
      `${replaced ? 'Replaced' : 'Registered'} trigger ${id}: ${eventType} on ${registration.pattern.normalized} ` +
        `(${matchType}, project ${project}, database ${registration.database})`,
    );
    return registration;
  }

  unregister(project: string, id: string): boolean {
    const existing = this.registrations.get(id);
    if (existing === undefined || existing.project !== project) return false;
    this.registrations.delete(id);
    this.logger.info(`Removed trigger ${id}`);
    return true;
  }

  clear(project: string): number {
    let removed = 0;
    for (const [id, registration] of this.registrations) {
      if (registration.project === project) {
        this.registrations.delete(id);
        removed++;
      }
    }
    return removed;
  }

  list(project: string): TriggerRegistration[] {
    return [...this.registrations.values()].filter((registration) => registration.project === project);
  }

  /** Turns a client commit into deliveries, in commit order. */
  onCommit(event: CommitEvent): void {
    if (event.origin !== 'client' || this.registrations.size === 0) return;
    const { project, database } = event.db.name;
    for (const registration of this.registrations.values()) {
      if (registration.project !== project || registration.database !== database) continue;
      for (const change of event.changes) {
        if (!firesFor(registration.kind, change) || !registration.pattern.matches(change.entry.path))
          continue;
        this.delivery.enqueue({
          project,
          triggerId: registration.id,
          orderingKey: `${registration.id}\u0000${change.entry.path}`,
          registeredAtMs: registration.registeredAtMs,
          event: buildCloudEvent({
            project,
            database,
            path: change.entry.path,
            eventType: registration.eventType,
            commitTime: event.commitTime,
            before: change.before,
            after: change.after,
            auth: event.auth,
          }),
        });
      }
    }
  }
}

function firesFor(kind: EventKind, change: DocumentChange): boolean {
  switch (kind) {
    case 'created':
      return change.before === undefined && change.after !== undefined;
    case 'updated':
      return change.before !== undefined && change.after !== undefined;
    case 'deleted':
      return change.before !== undefined && change.after === undefined;
    case 'written':
      return true;
  }
}
