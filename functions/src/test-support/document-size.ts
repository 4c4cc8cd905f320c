/**
 * Firestore's storage size of a document (the figure its 1 MiB limit applies to): strings are
 * their UTF-8 bytes + 1, numbers and timestamps 8, booleans and null 1, maps the sum of their
 * fields' names and values, plus the document name and 32 bytes.
 */
import { Timestamp } from 'firebase-admin/firestore';

export function valueSize(value: unknown): number {
  if (value === null) return 1;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value) + 1;
  if (typeof value === 'number' || value instanceof Timestamp) return 8;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + valueSize(item), 0);
  if (typeof value === 'object')
    return Object.entries(value).reduce((sum, [name, field]) => sum + valueSize(name) + valueSize(field), 0);
  throw new Error(`no size for ${typeof value}`);
}

export function documentSize(path: string, data: Record<string, unknown>): number {
  const name = path.split('/').reduce((sum, segment) => sum + Buffer.byteLength(segment) + 1, 16);
  return name + valueSize(data) + 32;
}
