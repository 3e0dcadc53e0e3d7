import { z } from 'zod';

/** Field schemas shared by the request bodies, with reasons a client can act on. */

const stringError = (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string');

/** A required, trimmed, non-empty string of at most `max` characters. */
export function requiredText(max: number) {
  return z
    .string({ error: stringError })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });
}

/** An optional free text of at most `max` characters (kept as sent). */
export function optionalText(max: number) {
  return z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` });
}

/** One of a fixed list of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be one of: ${values.join(', ')}`),
  });
}

/** An email address, trimmed and lower-cased so that one address is one subscription. */
export const emailField = z
  .string({ error: stringError })
  .trim()
  .toLowerCase()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be a valid email address' }));
