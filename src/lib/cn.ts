import { twMerge } from 'tailwind-merge';

/**
 * Joins class names, skipping the falsy ones; when two Tailwind classes set the same thing
 * (`h-10` from a component, `h-11` from its caller) the later one wins.
 */
export function cn(...classes: (string | false | null | undefined)[]): string {
  return twMerge(classes.filter(Boolean).join(' '));
}
