import type * as nodeCrypto from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  API_KEY_LENGTH,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  keyHint,
  keyPrefix,
  toBase62,
} from './key-format.js';
import { BASE62, randomBase62 } from '../lib/random.js';

// The real CSPRNG, observed: the tests below see which bytes the generator drew.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof nodeCrypto>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

const PREFIX = 'sk_live_';
const BODY_LENGTH = 32;

function bodyOf(key: string): string {
  return key.slice(PREFIX.length, PREFIX.length + BODY_LENGTH);
}

/** Base62 text back to a number, written here independently of the encoder under test. */
function fromBase62(text: string): number {
  let value = 0;
  for (const char of text) value = value * 62 + BASE62.indexOf(char);
  return value;
}

/** What the rejection sampling should make of these bytes: bytes at or above 248 are dropped. */
function base62Of(bytes: Iterable<number>): string {
  let out = '';
  for (const byte of bytes) if (byte < 248) out += BASE62.charAt(byte % 62);
  return out;
}

describe('generateApiKey: format', () => {
  it("produces sk_live_ + 32 base62 characters + the body's CRC32 as 6 base62 characters", () => {
    for (let i = 0; i < 500; i += 1) {
      const key = generateApiKey();
      expect(key).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
      expect(key).toHaveLength(API_KEY_LENGTH);
      expect(fromBase62(key.slice(-6))).toBe(crc32(bodyOf(key)));
    }
  });

  it('takes every body character from the CSPRNG, one unbiased byte each', () => {
    vi.mocked(randomBytes).mockClear();
    const key = generateApiKey();
    const draws = vi.mocked(randomBytes).mock.results.map((result): unknown => result.value);
    expect(draws.length).toBeGreaterThan(0);
    const drawn = Buffer.concat(draws.map((draw) => (Buffer.isBuffer(draw) ? draw : Buffer.alloc(0))));
    expect(bodyOf(key)).toBe(base62Of(drawn).slice(0, BODY_LENGTH));
  });
});

describe('generateApiKey: at least 190 bits of entropy, measured on the real generator', () => {
  // 4,000 keys: 128,000 body characters. The bounds below are far out in the tails (false
  // alarm well under one in a million runs); each broken generator named fails them by far.
  const KEYS = 4_000;
  let bodies: string[] = [];
  beforeAll(() => {
    bodies = Array.from({ length: KEYS }, () => bodyOf(generateApiKey()));
  });
  const index = (char: string) => BASE62.indexOf(char);

  it('never repeats a key', () => {
    expect(new Set(bodies).size).toBe(KEYS);
  });

  it('varies every one of the 32 positions over the whole alphabet', () => {
    for (let position = 0; position < BODY_LENGTH; position += 1) {
      const seen = new Set(bodies.map((body) => body[position]));
      expect(seen.size, `position ${position}`).toBe(62);
    }
  });

  it('uses the 62 characters evenly (chi-square, 61 degrees of freedom) at 5.94+ bits each', () => {
    const counts = new Array<number>(62).fill(0);
    for (const body of bodies) for (const char of body) counts[index(char)] = (counts[index(char)] ?? 0) + 1;
    const total = KEYS * BODY_LENGTH;
    const expected = total / 62;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // P(chi-square > 150) is about 2e-9 for a uniform source; byte % 62 without rejection gives ~840.
    expect(chiSquare).toBeLessThan(150);
    const bitsPerChar = counts.reduce((sum, count) => {
      const p = count / total;
      return p === 0 ? sum : sum - p * Math.log2(p);
    }, 0);
    expect(bitsPerChar).toBeGreaterThan(5.94);
    expect(BODY_LENGTH * bitsPerChar).toBeGreaterThanOrEqual(190);
  });

  it('draws the positions independently, so the bits of the 32 characters add up', () => {
    // Any two positions hold the same character in about 1 draw in 62 (64.5 of 4,000).
    for (let a = 0; a < BODY_LENGTH; a += 1) {
      for (let b = a + 1; b < BODY_LENGTH; b += 1) {
        const same = bodies.filter((body) => body[a] === body[b]).length;
        expect(same, `positions ${a} and ${b}`).toBeGreaterThan(20);
        expect(same, `positions ${a} and ${b}`).toBeLessThan(130);
      }
    }
    // Serial test: neighbouring characters spread evenly over the 62 x 62 pairs.
    const pairs = new Array<number>(62 * 62).fill(0);
    for (const body of bodies) {
      for (let position = 0; position + 1 < BODY_LENGTH; position += 1) {
        const cell = index(body.charAt(position)) * 62 + index(body.charAt(position + 1));
        pairs[cell] = (pairs[cell] ?? 0) + 1;
      }
    }
    const expected = (KEYS * (BODY_LENGTH - 1)) / pairs.length;
    const chiSquare = pairs.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 3,843 degrees of freedom: mean 3,843, standard deviation 88; P(> 4,500) is about 6e-13.
    expect(chiSquare).toBeLessThan(4_500);
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

  it('refuses every single-character change of a real key, anywhere in it', () => {
    const alphabet = `${BASE62}_-`;
    for (let i = 0; i < 20; i += 1) {
      const key = generateApiKey();
      for (let position = 0; position < key.length; position += 1) {
        for (const char of alphabet) {
          if (char === key[position]) continue;
          const changed = key.slice(0, position) + char + key.slice(position + 1);
          if (isWellFormedApiKey(changed)) throw new Error(`accepted ${changed}, one change from ${key}`);
        }
      }
    }
  });

  it('refuses every swap of two neighbouring characters in body and checksum', () => {
    for (let i = 0; i < 50; i += 1) {
      const key = generateApiKey();
      for (let position = PREFIX.length; position + 1 < key.length; position += 1) {
        if (key[position] === key[position + 1]) continue;
        const swapped =
          key.slice(0, position) + key.charAt(position + 1) + key.charAt(position) + key.slice(position + 2);
        expect(isWellFormedApiKey(swapped), swapped).toBe(false);
      }
    }
  });

  it('refuses made-up keys that only have the format', () => {
    // A random checksum matches one body in 62^6 (above 2^32): 10,000 guesses all fail.
    const madeUp = Array.from({ length: 10_000 }, () => `${PREFIX}${randomBase62(38)}`);
    expect(madeUp.filter((key) => isWellFormedApiKey(key))).toEqual([]);
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
