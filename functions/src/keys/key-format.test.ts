import { describe, expect, it } from 'vitest';
import {
  API_KEY_LENGTH,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  keyChecksum,
  keyHint,
  keyPrefix,
  toBase62,
} from './key-format.js';
import { randomBase62 } from '../lib/random.js';

describe('generateApiKey', () => {
  it('produces sk_live_ + 32 base62 characters + a 6-character checksum', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(key.slice(-6)).toBe(keyChecksum(key.slice(8, 40)));
  });

  it('has at least 190 bits of entropy in its body', () => {
    expect(32 * Math.log2(62)).toBeGreaterThanOrEqual(190);
  });

  it('never repeats and uses the whole alphabet roughly evenly', () => {
    const keys = new Set(Array.from({ length: 2_000 }, () => generateApiKey()));
    expect(keys.size).toBe(2_000);
    const counts = new Map<string, number>();
    for (const key of keys)
      for (const char of key.slice(8, 40)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 64,000 characters over 62 symbols: about 1,032 each.
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });
});

describe('randomBase62', () => {
  it('discards bytes at or above 248 instead of biasing towards low characters', () => {
    const bytes = [255, 248, 0, 61, 62, 247];
    const source = (size: number) =>
      Buffer.from(Array.from({ length: size }, (_, i) => bytes[i % bytes.length] ?? 0));
    expect(randomBase62(4, source)).toBe('0z0z');
  });
});

describe('isWellFormedApiKey', () => {
  it('accepts generated keys', () => {
    for (let i = 0; i < 100; i += 1) expect(isWellFormedApiKey(generateApiKey())).toBe(true);
  });

  it('refuses a key with one character changed (checksum mismatch)', () => {
    const key = generateApiKey();
    const index = 20;
    const changed = key.slice(0, index) + (key[index] === 'a' ? 'b' : 'a') + key.slice(index + 1);
    expect(isWellFormedApiKey(changed)).toBe(false);
  });

  it('refuses wrong prefixes, lengths and alphabets', () => {
    const key = generateApiKey();
    expect(isWellFormedApiKey(key.replace('sk_live_', 'sk_test_'))).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}0`)).toBe(false);
    expect(isWellFormedApiKey(`${key.slice(0, 10)}-${key.slice(11)}`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
    expect(isWellFormedApiKey(` ${key}`)).toBe(false);
  });
});

describe('display and storage forms', () => {
  it('hashes with SHA-256 hex and shows only prefix and hint', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(8, 40));
    expect(keyPrefix(key)).toBe(key.slice(0, 12));
    expect(keyPrefix(key).startsWith('sk_live_')).toBe(true);
    expect(keyHint(key)).toBe(key.slice(-4));
  });

  it('encodes checksums as fixed-width base62', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 6)).toBe('00000z');
    expect(toBase62(62, 6)).toBe('000010');
    expect(toBase62(0xffffffff, 6)).toHaveLength(6);
  });
});
