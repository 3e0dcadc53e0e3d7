import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  reason: string;
}

/** The one shape of a 400 across services: `{ error: 'validation_failed', details: [{ field, reason }] }`. */
export function validationError(details: FieldError[]): BadRequestException {
  return new BadRequestException({ error: 'validation_failed', message: describe(details), details });
}

function describe(details: FieldError[]): string {
  return details.map((d) => `${d.field}: ${d.reason}`).join('; ');
}

export function zodIssuesToFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    reason: issue.message,
  }));
}

/** Validates and parses a body (or param) with a zod schema; 400 with every bad field otherwise. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw validationError(zodIssuesToFieldErrors(result.error));
    return result.data;
  }
}
