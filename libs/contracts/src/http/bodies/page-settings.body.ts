import { z } from 'zod';
import { requiredText } from './body-fields';

export const PAGE_NAME_MAX = 200;
export const THEME_MAX_ENTRIES = 50;
export const THEME_KEY_MAX = 64;
export const THEME_VALUE_MAX = 500;

/** A time zone the runtime knows (IANA, e.g. "Europe/Berlin"), in its canonical spelling. */
export const timezoneField = z
  .string({ error: 'must be a string' })
  .trim()
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as "Europe/Berlin"' });
      return z.NEVER;
    }
    return canonical;
  });

export function canonicalTimeZone(value: string): string | null {
  if (value.length === 0 || value.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Theme settings: an object of strings. Its keys become MongoDB field names, so they may not
 * contain '.' or '$' (neither MongoDB nor FerretDB accept them everywhere), nor NUL or another
 * control character (BSON field names end at NUL: the write would fail as a 500).
 */
export const themeField = z
  .record(
    z.string(),
    z.string({ error: 'must be a string' }).max(THEME_VALUE_MAX, { error: `must be at most ${THEME_VALUE_MAX} characters` }),
    { error: 'must be an object of strings' },
  )
  .superRefine((theme, ctx) => {
    const keys = Object.keys(theme);
    if (keys.length > THEME_MAX_ENTRIES) ctx.addIssue({ code: 'custom', message: `must have at most ${THEME_MAX_ENTRIES} entries` });
    for (const key of keys) {
      const problem = themeKeyProblem(key);
      // eslint-disable-next-line no-control-regex
      if (problem) ctx.addIssue({ code: 'custom', message: `key "${key.slice(0, THEME_KEY_MAX).replace(/[\u0000-\u001f\u007f]/g, '?')}" ${problem}` });
    }
  });

function themeKeyProblem(key: string): string | null {
  if (key.length === 0) return 'must not be empty';
  if (key.length > THEME_KEY_MAX) return `must be at most ${THEME_KEY_MAX} characters`;
  if (key.includes('.') || key.includes('$')) return 'must not contain "." or "$"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'must not contain control characters (NUL included)';
  return null;
}

/** A DNS hostname with at least two labels (e.g. status.example.com), lower-cased. IPs are not domains. */
export const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const customDomainField = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .regex(HOSTNAME, { error: 'must be a hostname such as status.example.com' });

/**
 * `PATCH /v1/status-pages/:pageId`: `{ name?, timezone?, theme?, customDomain? }`. A field set to
 * `null` is cleared; `theme` is replaced as a whole; unknown fields are refused by name.
 */
export const updatePageSettingsSchema = z.strictObject({
  name: requiredText(PAGE_NAME_MAX).nullable().optional(),
  timezone: timezoneField.nullable().optional(),
  theme: themeField.nullable().optional(),
  customDomain: customDomainField.nullable().optional(),
});
export type UpdatePageSettingsRequest = z.infer<typeof updatePageSettingsSchema>;
