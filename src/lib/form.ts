import type { z } from 'zod';
import { ApiError } from '@/lib/api-error';

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

/** The first message for each top-level field of a failed zod parse. */
export function fieldErrors<Field extends string>(error: z.ZodError): FieldErrors<Field> {
  const errors: Partial<Record<string, string>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= sentenceCase(issue.message);
  }
  return errors as FieldErrors<Field>;
}

/** The form field an API `invalid_request` names (`label`, `body.label`), when there is one. */
export function apiErrorField(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request' || !error.field) return null;
  return error.field.split('.').pop() ?? null;
}

function sentenceCase(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
