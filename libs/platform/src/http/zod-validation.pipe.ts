import { ArgumentMetadata, BadRequestException, Injectable } from '@nestjs/common';
import { createZodValidationPipe } from 'nestjs-zod';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  reason: string;
}

/** The one shape of a 400 across services: `{ error: 'validation_failed', message, details: [{ field, reason }] }`. */
export function validationError(details: FieldError[]): BadRequestException {
  return new BadRequestException({ error: 'validation_failed', message: describe(details), details });
}

function describe(details: FieldError[]): string {
  return details.map((d) => `${d.field}: ${d.reason}`).join('; ');
}

/**
 * One field error per zod issue, the field named by its dotted path (`(body)` for the value
 * itself). An unknown field of a strict object is reported under its own name, so a client sees
 * which field to drop.
 */
export function zodIssuesToFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), reason: 'is not an allowed field' }))
      : [{ field: fieldName(issue.path), reason: issue.message }],
  );
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(body)';
}

function isZodError(error: unknown): error is z.ZodError {
  return typeof error === 'object' && error !== null && Array.isArray((error as { issues?: unknown }).issues);
}

// Every body, query and path parameter must be typed with a nestjs-zod DTO (strict declaration):
// request data that skipped validation would be a bug, and this makes it a loud one.
const NestZodValidationPipe = createZodValidationPipe({
  strictSchemaDeclaration: true,
  createValidationException: (error: unknown) => (isZodError(error) ? validationError(zodIssuesToFieldErrors(error)) : (error as Error)),
});

/**
 * The validation pipe of every service (APP_PIPE): nestjs-zod's, with the 400 shape above, for
 * bodies, queries and path parameters. Custom parameter decorators (the actor, the caller's org)
 * carry what guards set, and message payloads are parsed by their handlers: they pass through. A request without a body is validated as `{}`, so "name is required" rather than
 * "the body must be an object".
 */
@Injectable()
export class ZodValidationPipe extends NestZodValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }
}
