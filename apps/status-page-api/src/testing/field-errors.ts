import { type FieldError, zodIssuesToFieldErrors } from '@sp/platform';
import type { z } from 'zod';

/** For specs: the 400 details a body would get ([] when it is accepted). */
export function fieldErrorsOf(schema: z.ZodType, value: unknown): FieldError[] {
  const result = schema.safeParse(value);
  return result.success ? [] : zodIssuesToFieldErrors(result.error);
}
