import { invalidRequest } from './errors.js';

/**
 * Stripe's search query language, the part a customer lookup needs:
 * `email:'a@b.c'`, `metadata['firebase_uid']:'abc'`, `name~'ali'`, `created>1700000000`,
 * negation with a leading `-`, clauses joined by `AND` or by `OR` (never both, as at Stripe).
 */
export type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';

export interface Clause {
  field: string;
  /** Set for `metadata['key']` clauses. */
  metadataKey: string | null;
  operator: Operator;
  value: string | number;
  negated: boolean;
}

export interface SearchQuery {
  clauses: Clause[];
  combinator: 'AND' | 'OR';
}

function fail(message: string): never {
  throw invalidRequest(`Invalid search query: ${message}`, 'query');
}

export function parseSearchQuery(text: string): SearchQuery {
  let position = 0;
  const skipSpace = (): void => {
    while (position < text.length && /\s/.test(text.charAt(position))) position += 1;
  };
  const readQuoted = (): string => {
    const quote = text.charAt(position);
    let value = '';
    position += 1;
    while (position < text.length && text.charAt(position) !== quote) {
      if (text.charAt(position) === '\\' && position + 1 < text.length) position += 1;
      value += text.charAt(position);
      position += 1;
    }
    if (position >= text.length) fail(`unterminated string starting at ${JSON.stringify(quote + value)}`);
    position += 1;
    return value;
  };

  const clauses: Clause[] = [];
  const combinators = new Set<'AND' | 'OR'>();
  skipSpace();
  if (position >= text.length) fail('the query is empty');
  while (position < text.length) {
    if (clauses.length > 0) {
      const word = /^(AND|OR)\s+/.exec(text.slice(position));
      if (word?.[1] === 'AND' || word?.[1] === 'OR') {
        combinators.add(word[1]);
        position += word[0].length;
      } else {
        // Stripe treats clauses separated by spaces alone as AND.
        combinators.add('AND');
      }
    }
    let negated = false;
    if (text.charAt(position) === '-') {
      negated = true;
      position += 1;
    }
    const field = /^[a-z_][a-z0-9_.]*/.exec(text.slice(position))?.[0];
    if (field === undefined) fail(`expected a field name at position ${position}`);
    position += field.length;
    let metadataKey: string | null = null;
    if (field.startsWith('metadata.')) fail("metadata fields are written metadata['key']");
    if (field === 'metadata') {
      if (text.charAt(position) !== '[') fail("metadata fields are written metadata['key']");
      position += 1;
      if (text.charAt(position) !== "'" && text.charAt(position) !== '"')
        fail("metadata fields are written metadata['key']");
      metadataKey = readQuoted();
      if (text.charAt(position) !== ']') fail("metadata fields are written metadata['key']");
      position += 1;
    }
    const operator = /^(>=|<=|:|~|>|<)/.exec(text.slice(position))?.[0] as Operator | undefined;
    if (operator === undefined) fail(`expected one of : ~ > < >= <= after ${field}`);
    position += operator.length;
    let value: string | number;
    if (text.charAt(position) === "'" || text.charAt(position) === '"') {
      value = readQuoted();
    } else {
      const number = /^-?\d+(\.\d+)?/.exec(text.slice(position))?.[0];
      if (number === undefined) fail(`values must be quoted strings or numbers (after ${field}${operator})`);
      position += number.length;
      value = Number(number);
    }
    if (operator === '~' && (typeof value !== 'string' || value.length < 3)) {
      fail('the ~ (substring) operator needs a quoted value of at least 3 characters');
    }
    clauses.push({ field, metadataKey, operator, value, negated });
    skipSpace();
  }
  if (combinators.size > 1) fail('AND and OR cannot be mixed in one query');
  return { clauses, combinator: combinators.has('OR') ? 'OR' : 'AND' };
}

/** How a searchable object exposes a field: a string, a number, or a metadata map. */
export type FieldReader = (field: string) => string | number | null | undefined;

export function matchesQuery(
  query: SearchQuery,
  read: FieldReader,
  metadata: Record<string, string>,
): boolean {
  const test = (clause: Clause): boolean => {
    const actual = clause.metadataKey === null ? read(clause.field) : (metadata[clause.metadataKey] ?? null);
    if (actual === undefined) fail(`${clause.field} is not a searchable field`);
    const result = compare(actual, clause);
    return clause.negated ? !result : result;
  };
  return query.combinator === 'AND' ? query.clauses.every(test) : query.clauses.some(test);
}

function compare(actual: string | number | null, clause: Clause): boolean {
  const { operator, value } = clause;
  if (actual === null) return false;
  if (operator === ':') {
    return typeof actual === 'string' && typeof value === 'string'
      ? actual.toLowerCase() === value.toLowerCase()
      : Number(actual) === Number(value);
  }
  if (operator === '~') return String(actual).toLowerCase().includes(String(value).toLowerCase());
  const a = Number(actual);
  const b = Number(value);
  if (Number.isNaN(a) || Number.isNaN(b)) fail(`${clause.field} cannot be compared with ${operator}`);
  if (operator === '>') return a > b;
  if (operator === '<') return a < b;
  if (operator === '>=') return a >= b;
  return a <= b;
}
