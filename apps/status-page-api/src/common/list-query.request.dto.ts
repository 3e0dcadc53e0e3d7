import { z } from 'zod';
import { CursorPosition, decodeCursor } from './cursor';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;

/** `?limit=1..100` (default 50) and `?cursor=` from a previous page's `X-Next-Cursor`. Other query keys are ignored. */
export const listQuerySchema = z.object({
  limit: z.coerce
    .number({ error: `must be an integer from 1 to ${MAX_LIST_LIMIT}` })
    .int({ error: `must be an integer from 1 to ${MAX_LIST_LIMIT}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_LIST_LIMIT}` })
    .max(MAX_LIST_LIMIT, { error: `must be an integer from 1 to ${MAX_LIST_LIMIT}` })
    .default(DEFAULT_LIST_LIMIT),
  cursor: z
    .string({ error: 'must be a single cursor string' })
    .transform((value, ctx): CursorPosition => {
      const position = decodeCursor(value);
      if (!position) {
        ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' });
        return z.NEVER;
      }
      return position;
    })
    .optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;
