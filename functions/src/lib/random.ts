import { randomBytes } from 'node:crypto';

export type RandomSource = (size: number) => Buffer;

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 62 below 256: bytes at or above it are discarded, so no character is favoured. */
const UNBIASED_BYTE_LIMIT = 248;

/** Uniform base62 characters from `random` (the CSPRNG by default), by rejection sampling. */
export function randomBase62(length: number, random: RandomSource = randomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      out += BASE62.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

/** A 20-character document id, like Firestore's own. */
export function newDocumentId(): string {
  return randomBase62(20);
}
