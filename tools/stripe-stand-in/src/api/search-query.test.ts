import { describe, expect, it } from 'vitest';
import { StripeApiError } from './errors.js';
import { matchesQuery, parseSearchQuery } from './search-query.js';

const customer = { email: 'Ada@Example.com', name: 'Ada Lovelace', created: 1_700_000_000 };
const read = (field: string): string | number | null | undefined =>
  field === 'email' || field === 'name' || field === 'created' ? customer[field] : undefined;
const matches = (query: string, metadata: Record<string, string> = { firebase_uid: 'uid_1' }): boolean =>
  matchesQuery(parseSearchQuery(query), read, metadata);

describe('search query', () => {
  it('matches metadata and field equality, case-insensitively', () => {
    expect(matches("metadata['firebase_uid']:'uid_1'")).toBe(true);
    expect(matches('metadata["firebase_uid"]:"uid_2"')).toBe(false);
    expect(matches("email:'ada@example.com'")).toBe(true);
  });

  it('supports substring, numeric comparison, negation, AND and OR', () => {
    expect(matches("name~'love'")).toBe(true);
    expect(matches('created>1699999999 AND created<=1700000000')).toBe(true);
    expect(matches("-email:'ada@example.com'")).toBe(false);
    expect(matches("email:'nobody@example.com' OR metadata['firebase_uid']:'uid_1'")).toBe(true);
    expect(matches("email:'nobody@example.com' metadata['firebase_uid']:'uid_1'")).toBe(false);
  });

  it('refuses malformed queries and unsearchable fields', () => {
    for (const query of [
      '',
      "email='x'",
      "metadata.firebase_uid:'x'",
      "a:'x' AND b:'y' OR c:'z'",
      "name~'ab'",
      "email:'open",
    ]) {
      expect(() => parseSearchQuery(query), query).toThrow(StripeApiError);
    }
    expect(() => matches("phone:'123'")).toThrow(/phone is not a searchable field/);
  });
});
