/**
 * Keeps unknown and malformed keys from costing Firestore reads without bound. Anyone can make
 * well-formed keys (the checksum is public), and each new one would cost a read. So, per
 * instance and per fixed window of a minute:
 *
 * - each client address may fail the key check `perAddress` times (malformed, or unknown
 *   whether read or answered from the unknown cache); after that, anything it presents that is
 *   not a real key already cached is answered 429 `rate_limited` before any read;
 * - the whole instance may read at most `perInstance` hashes that turn out unknown, whatever the
 *   addresses (they can be many, or forged where the platform lets them); after that, a key this
 *   instance has never read is answered 429 until the window ends. Keys it has read keep working.
 *
 * Lookups in flight count against both budgets before their answer is known, so concurrency
 * cannot overshoot them: an attacker makes at most `perInstance` reads of unknown keys per
 * instance per window, and at most `perAddress` from one address. Memory is bounded by
 * `maxAddresses` (least recently seen forgotten first: that can only give an address a fresh
 * budget early, and the instance budget still holds).
 */
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

export interface KeyFailureLimits {
  perAddress: number;
  perInstance: number;
  maxAddresses: number;
  windowMs: number;
}

export const PRODUCTION_KEY_FAILURE_LIMITS: KeyFailureLimits = {
  perAddress: 20,
  perInstance: 600,
  maxAddresses: 10_000,
  windowMs: 60_000,
};

/**
 * Without a proxy in front, every local request has the same address, and the integration
 * suites send thousands of bad keys from it on purpose; the emulator keeps the mechanism with
 * budgets no test run reaches.
 */
export const EMULATOR_KEY_FAILURE_LIMITS: KeyFailureLimits = {
  ...PRODUCTION_KEY_FAILURE_LIMITS,
  perAddress: 5_000,
  perInstance: 50_000,
};

interface Counter {
  start: number;
  failures: number;
  /** Lookups started and not yet answered; they outlive a window change. */
  pending: number;
}

export type LookupPermit =
  | { allowed: true; done: (found: boolean) => void }
  | { allowed: false; retryAfterMs: number; reason: 'address' | 'instance' };

export class KeyFailureThrottle {
  private readonly addresses = new Map<string, Counter>();
  private readonly instance: Counter = { start: Number.NEGATIVE_INFINITY, failures: 0, pending: 0 };
  private readonly now: () => number;

  constructor(
    private readonly limits: KeyFailureLimits,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /** How long `address` must wait before it may fail again; 0 when it may now. */
  blockedFor(address: string | undefined): number {
    if (address === undefined) return 0;
    const now = this.now();
    const counter = this.counter(address, now);
    return counter.failures >= this.limits.perAddress ? this.resetIn(counter, now) : 0;
  }

  /** A failure that cost no read: a malformed key, or an unknown one answered from the cache. */
  recordFailure(address: string | undefined): void {
    if (address !== undefined) this.counter(address, this.now()).failures += 1;
  }

  /** Asked before reading an uncached key: a permit to report the answer to, or how long to wait. */
  beginLookup(address: string | undefined): LookupPermit {
    const now = this.now();
    const instance = this.roll(this.instance, now);
    if (instance.failures + instance.pending >= this.limits.perInstance)
      return { allowed: false, retryAfterMs: this.resetIn(instance, now), reason: 'instance' };
    const counter = address === undefined ? undefined : this.counter(address, now);
    if (counter !== undefined && counter.failures + counter.pending >= this.limits.perAddress)
      return { allowed: false, retryAfterMs: this.resetIn(counter, now), reason: 'address' };
    instance.pending += 1;
    if (counter !== undefined) counter.pending += 1;
    let settled = false;
    return {
      allowed: true,
      done: (found) => {
        if (settled) return;
        settled = true;
        instance.pending -= 1;
        if (counter !== undefined) counter.pending -= 1;
        if (found) return;
        const at = this.now();
        this.roll(this.instance, at).failures += 1;
        if (address !== undefined) this.counter(address, at).failures += 1;
      },
    };
  }

  /** Addresses tracked, for tests. */
  trackedAddresses(): number {
    return this.addresses.size;
  }

  private counter(address: string, now: number): Counter {
    const existing = this.addresses.get(address);
    if (existing !== undefined) {
      this.addresses.delete(address);
      this.addresses.set(address, existing);
      return this.roll(existing, now);
    }
    const created: Counter = { start: now, failures: 0, pending: 0 };
    this.addresses.set(address, created);
    for (const oldest of this.addresses.keys()) {
      if (this.addresses.size <= this.limits.maxAddresses) break;
      this.addresses.delete(oldest);
    }
    return created;
  }

  private roll(counter: Counter, now: number): Counter {
    if (now >= counter.start + this.limits.windowMs) {
      counter.start = now;
      counter.failures = 0;
    }
    return counter;
  }

  private resetIn(counter: Counter, now: number): number {
    return Math.max(0, counter.start + this.limits.windowMs - now);
  }
}

/**
 * How many `X-Forwarded-For` entries Google's front end appends: the address of the client it
 * accepted the connection from, then its own. Everything to the left of them is whatever the
 * client sent, so it is never trusted.
 */
export const FORWARDED_HOPS_APPENDED = 2;

/**
 * The client's address as the platform saw it: the first `X-Forwarded-For` entry the platform
 * appended (`FORWARDED_HOPS_APPENDED` from the right). With fewer entries (no proxy wrote one:
 * the emulator, a direct call whose front end appended only the client) the left-most; with no
 * header, the socket's peer. IPv4-mapped IPv6 is reduced to IPv4 and IPv6 to its /64 (one
 * subscriber's block); an entry that is no address at all counts as one shared address.
 *
 * Express's `req.ip` is not used: the Functions Framework and the Functions emulator enable
 * `trust proxy` for their own app, under which `req.ip` is the left-most entry, which the
 * client writes; Keymeter's app does not, so there it is the front end's address.
 */
export function clientAddress(req: {
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string | undefined };
}): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chosen =
    forwarded.length === 0
      ? req.socket?.remoteAddress
      : forwarded[Math.max(0, forwarded.length - FORWARDED_HOPS_APPENDED)];
  return chosen === undefined ? 'unknown' : normalizeAddress(chosen);
}

export function normalizeAddress(raw: string): string {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1] !== undefined) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] !== undefined) address = mapped[1];
  switch (isIP(address)) {
    case 4:
      return address;
    case 6:
      return ipv6Prefix64(address);
    default:
      return 'unparseable';
  }
}

function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (part: string | undefined): string[] =>
    part === undefined || part === '' ? [] : part.split(':').flatMap(expandGroup);
  const left = groups(head);
  const right = groups(tail);
  const full =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** An embedded IPv4 tail (`::1.2.3.4`) is two groups. */
function expandGroup(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
