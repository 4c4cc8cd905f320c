import type { z } from 'zod';
import {
  KEY_METADATA_MAX_PROPERTIES,
  KEY_METADATA_NAME_MAX_LENGTH,
  KEY_METADATA_STRING_MAX_LENGTH,
  keyMetadataSchema,
  type KeyMetadata,
} from '@shared/contracts';
import { ApiError } from '@/lib/api-error';

export const METADATA_HINT =
  'A flat JSON object, e.g. {"customer_id": "cus_123"} — returned when your service verifies the key.';

export const METADATA_PLACEHOLDER = '{\n  "customer_id": "cus_123"\n}';

/** What a metadata field holds: nothing (blank), an object the contract accepts, or why not. */
export type MetadataInput =
  { kind: 'empty' } | { kind: 'valid'; metadata: KeyMetadata } | { kind: 'invalid'; error: string };

/** The metadata as the field shows it: pretty-printed, blank when there is none. */
export function metadataText(metadata: KeyMetadata | null): string {
  return metadata === null || Object.keys(metadata).length === 0 ? '' : JSON.stringify(metadata, null, 2);
}

/** The contract's refusal in words for a person editing JSON, naming the property at fault. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path[0];
  if (name === undefined) {
    if (issue.code === 'invalid_type') return 'Metadata is a JSON object, like {"customer_id": "cus_123"}.';
    return sentence(issue.message);
  }
  const where = `“${String(name)}”`;
  if (issue.code === 'invalid_key')
    return `${where}: a property name starts with a letter and has at most ${KEY_METADATA_NAME_MAX_LENGTH} letters, digits, _ or -.`;
  if (issue.code === 'too_big') return `${where}: ${sentence(issue.message)}`;
  return `${where}: a value is a string (at most ${KEY_METADATA_STRING_MAX_LENGTH} characters), a number, true, false or null; no objects or lists.`;
}

/** Reads the metadata field's text as JSON and checks it against the contract before sending. */
export function parseMetadataText(text: string): MetadataInput {
  if (text.trim() === '') return { kind: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', error: 'This is not valid JSON. Check the quotes, commas and braces.' };
  }
  const parsed = keyMetadataSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      error: issue
        ? describeIssue(issue)
        : `Metadata is a flat object of at most ${KEY_METADATA_MAX_PROPERTIES} properties.`,
    };
  }
  return Object.keys(parsed.data).length === 0 ? { kind: 'empty' } : { kind: 'valid', metadata: parsed.data };
}

/**
 * The top-level request field an API `invalid_request` names (`metadata` for
 * `metadata.customer_id`, `label` for `body.label`): metadata's own property names must not be
 * mistaken for the form's fields.
 */
export function apiErrorRoot(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request' || !error.field) return null;
  const path = error.field.split('.');
  return (path[0] === 'body' ? path[1] : path[0]) ?? null;
}

function sentence(message: string): string {
  const capitalised = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
