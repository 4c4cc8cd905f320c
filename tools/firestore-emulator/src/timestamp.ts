import { invalidArgument } from './errors.js';

export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, the range Firestore accepts. */
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos !== b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}

export function timestampsEqual(a: Timestamp, b: Timestamp): boolean {
  return a.seconds === b.seconds && a.nanos === b.nanos;
}

export function validateTimestamp(t: Timestamp, what: string): Timestamp {
  if (!Number.isInteger(t.seconds) || t.seconds < MIN_SECONDS || t.seconds > MAX_SECONDS) {
    throw invalidArgument(
      `${what} is out of range: seconds must be between ${MIN_SECONDS} and ${MAX_SECONDS}.`,
    );
  }
  if (!Number.isInteger(t.nanos) || t.nanos < 0 || t.nanos > 999_999_999) {
    throw invalidArgument(`${what} is invalid: nanos must be between 0 and 999999999.`);
  }
  return t;
}

/** Microseconds since the epoch: the precision of Firestore's commit times. */
export function timestampFromMicros(micros: number): Timestamp {
  const seconds = Math.floor(micros / 1_000_000);
  return { seconds, nanos: (micros - seconds * 1_000_000) * 1000 };
}

export function timestampToMicros(t: Timestamp): number {
  return t.seconds * 1_000_000 + Math.floor(t.nanos / 1000);
}

/** RFC 3339 with as many fractional digits as needed (0, 3, 6 or 9), as proto3 JSON does. */
export function formatTimestamp(t: Timestamp): string {
  const base = new Date(t.seconds * 1000).toISOString().slice(0, 19);
  if (t.nanos === 0) return `${base}Z`;
  let fraction = String(t.nanos).padStart(9, '0');
  if (fraction.endsWith('000000')) fraction = fraction.slice(0, 3);
  else if (fraction.endsWith('000')) fraction = fraction.slice(0, 6);
  return `${base}.${fraction}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(text: string): Timestamp {
  const match = RFC3339.exec(text);
  if (!match) throw invalidArgument(`Invalid timestamp "${text}": expected RFC 3339.`);
  const [, whole = '', fraction = '', zone = 'Z'] = match;
  const millis = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(millis)) throw invalidArgument(`Invalid timestamp "${text}".`);
  return validateTimestamp(
    { seconds: Math.floor(millis / 1000), nanos: Number(fraction.padEnd(9, '0')) },
    'timestamp',
  );
}

/**
 * The emulator's clock. Every commit gets a distinct microsecond time strictly after any read
 * time handed out before it, so that a read at time T never misses a commit with time <= T.
 */
export class Clock {
  private lastMicros = 0;

  constructor(private readonly nowMicros: () => number = defaultNowMicros) {}

  /** A time for a consistent read: not before any earlier commit or read time. */
  readTime(): Timestamp {
    const now = this.nowMicros();
    if (now > this.lastMicros) this.lastMicros = now;
    return timestampFromMicros(this.lastMicros);
  }

  /** A new, unique commit time. */
  commitTime(): Timestamp {
    const now = this.nowMicros();
    this.lastMicros = now > this.lastMicros ? now : this.lastMicros + 1;
    return timestampFromMicros(this.lastMicros);
  }

  /** The latest time handed out, without advancing the clock. */
  latestMicros(): number {
    return this.lastMicros;
  }
}

function defaultNowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}
