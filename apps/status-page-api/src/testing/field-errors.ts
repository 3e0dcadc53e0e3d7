import type { FieldError } from '@sp/platform';
import type { z } from 'zod';
import { toFieldErrors } from '../common/zod-body.pipe';

/** For specs: the 400 details a body would get ([] when it is accepted). */
export function fieldErrorsOf(schema: z.ZodType, value: unknown): FieldError[] {
  const result = schema.safeParse(value);
  return result.success ? [] : toFieldErrors(result.error);
}
