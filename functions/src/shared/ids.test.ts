import { describe, expect, it } from 'vitest';
import { keyIdSchema } from './contracts.js';
import { isDocumentId, uidSchema } from './ids.js';

describe('document ids Firestore accepts', () => {
  it('refuses what Firestore refuses', () => {
    for (const id of ['', '.', '..', 'a/b', '__proto__', '__name__', '__id__', '__idx__', 'é'.repeat(751)])
      expect(isDocumentId(id), JSON.stringify(id)).toBe(false);
  });

  it('accepts ordinary ids, numeric ids and ids of up to 1,500 bytes', () => {
    for (const id of ['abc', 'A-b_c', '__id7__', '__id-12__', '_x_', '__x', 'é'.repeat(750), '.a'])
      expect(isDocumentId(id), JSON.stringify(id)).toBe(true);
  });

  it('keeps key ids and uids to what names a document', () => {
    expect(keyIdSchema.safeParse('__proto__').success).toBe(false);
    expect(keyIdSchema.safeParse('Kq3xY9aZ0b1c2d3e4f5g').success).toBe(true);
    expect(uidSchema.safeParse('u'.repeat(129)).success).toBe(false);
    expect(uidSchema.safeParse('users/evil').success).toBe(false);
    expect(uidSchema.safeParse('u'.repeat(128)).success).toBe(true);
  });
});
