/**
 * Sets of minutes of one UTC day, as 1,440-bit bitmaps: what availability is worked out from.
 * A daily document keeps two per account and per key, the minutes with at least one call and
 * the minutes with at least one 5xx answer, each stored as a base64 string of 180 bytes (240
 * characters), so the document stays bounded however many calls a day holds.
 *
 * A fold ORs its batch's minutes into the stored bitmap inside its transaction (which already
 * reads the daily document), so folds commute and a redelivered batch, already marked folded,
 * changes nothing; OR is idempotent besides.
 */

export const MINUTES_PER_DAY = 1_440;
const BYTES = MINUTES_PER_DAY / 8;
const MINUTE_MS = 60_000;

export type MinuteSet = Uint8Array;

export function noMinutes(): MinuteSet {
  return new Uint8Array(BYTES);
}

/** The minute of the UTC day an instant falls in (epoch days are exactly 86,400,000 ms). */
export function minuteOfDay(epochMs: number): number {
  const minute = Math.floor(epochMs / MINUTE_MS) % MINUTES_PER_DAY;
  return minute < 0 ? minute + MINUTES_PER_DAY : minute;
}

export function addMinute(set: MinuteSet, minute: number): void {
  if (!Number.isInteger(minute) || minute < 0 || minute >= MINUTES_PER_DAY) return;
  const byte = minute >> 3;
  set[byte] = (set[byte] ?? 0) | (1 << (minute & 7));
}

export function hasMinute(set: MinuteSet, minute: number): boolean {
  return ((set[minute >> 3] ?? 0) & (1 << (minute & 7))) !== 0;
}

export function countMinutes(set: MinuteSet): number {
  let count = 0;
  for (const byte of set) {
    let bits = byte;
    while (bits !== 0) {
      bits &= bits - 1;
      count += 1;
    }
  }
  return count;
}

export function isEmpty(set: MinuteSet): boolean {
  return set.every((byte) => byte === 0);
}

/** A new set: every minute of either. */
export function union(a: MinuteSet, b: MinuteSet): MinuteSet {
  const out = noMinutes();
  for (let i = 0; i < BYTES; i += 1) out[i] = (a[i] ?? 0) | (b[i] ?? 0);
  return out;
}

export function encodeMinutes(set: MinuteSet): string {
  return Buffer.from(set.buffer, set.byteOffset, set.byteLength).toString('base64');
}

/** A stored bitmap; anything that is not one (absent, damaged) reads as no minutes. */
export function decodeMinutes(value: unknown): MinuteSet {
  if (typeof value !== 'string') return noMinutes();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== BYTES) return noMinutes();
  return new Uint8Array(bytes);
}
