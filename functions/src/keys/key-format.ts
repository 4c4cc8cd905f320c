/**
 * The `sk_live_` key format: prefix + 32 base62 characters from the CSPRNG (190.5 bits) +
 * 6 base62 characters of the body's CRC32. The checksum lets the wrapper refuse a mistyped or
 * made-up key without a database read, and lets secret scanners recognise real keys.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BASE62, randomBase62, type RandomSource } from '../lib/random.js';

export const API_KEY_PREFIX = 'sk_live_';
export const KEY_BODY_LENGTH = 32;
export const KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + KEY_BODY_LENGTH + KEY_CHECKSUM_LENGTH;

const KEY_PATTERN = new RegExp(
  `^${API_KEY_PREFIX}([0-9A-Za-z]{${KEY_BODY_LENGTH}})([0-9A-Za-z]{${KEY_CHECKSUM_LENGTH}})$`,
);

export function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function keyChecksum(body: string): string {
  return toBase62(crc32(body), KEY_CHECKSUM_LENGTH);
}

export function generateApiKey(random: RandomSource = randomBytes): string {
  const body = randomBase62(KEY_BODY_LENGTH, random);
  return `${API_KEY_PREFIX}${body}${keyChecksum(body)}`;
}

/** Format and checksum only; says nothing about whether the key exists. */
export function isWellFormedApiKey(candidate: string): boolean {
  const match = KEY_PATTERN.exec(candidate);
  if (match === null) return false;
  const [, body, checksum] = match;
  return body !== undefined && checksum === keyChecksum(body);
}

/** What is stored instead of the key: SHA-256 hex of the whole key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `sk_live_` and the first 4 body characters, for display. */
export function keyPrefix(key: string): string {
  return key.slice(0, 12);
}

export function keyHint(key: string): string {
  return key.slice(-4);
}
