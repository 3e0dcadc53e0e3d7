import { PipeTransform } from '@nestjs/common';
import { FieldError, validationError } from '@sp/platform';
import type { z } from 'zod';

/**
 * Like `ZodValidationPipe` from @sp/platform (same 400 shape), but an unknown field of a strict
 * object is reported under its own name (`{ field: 'foo', reason: 'is not an allowed field' }`)
 * instead of one `(body)` error listing them all.
 */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseOrThrow(this.schema, value ?? {});
  }
}

/** Parses with the schema or throws the 400 `validation_failed` naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toFieldErrors(result.error));
  return result.data;
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), reason: 'is not an allowed field' }))
      : [{ field: fieldName(issue.path), reason: issue.message }],
  );
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(body)';
}
