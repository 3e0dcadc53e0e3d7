import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** `{ error, message? }`: every non-validation error of every service (some add fields, e.g. `required`). */
export const errorBodySchema = z
  .looseObject({
    error: z.string().describe('Machine-readable code, e.g. not_found, conflict, unauthorized'),
    message: z.string().optional(),
  })
;

/** The 400 of every service (see validationError). */
export const validationErrorBodySchema = z
  .object({
    error: z.literal('validation_failed'),
    message: z.string().describe('Every field error as "field: reason", joined by "; "'),
    details: z.array(z.object({ field: z.string(), reason: z.string() })),
  })
;

export class ErrorBodyDto extends createZodDto(errorBodySchema) {}
export class ValidationErrorBodyDto extends createZodDto(validationErrorBodySchema) {}

// `.Output` makes a new class on every access; one each, so the document has one component each.
const ErrorBodyOutput = ErrorBodyDto.Output;
const ValidationErrorBodyOutput = ValidationErrorBodyDto.Output;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/**
 * Documents error answers of an operation (or of every operation of a controller), each with its
 * body schema: 400 is ValidationErrorBody, the others ErrorBody. The value says when it happens.
 */
export function ApiErrorResponses(errors: Partial<Record<ErrorStatus, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: Number(status) === 400 ? ValidationErrorBodyOutput : ErrorBodyOutput }),
    ),
  );
}

/** The 400 of an operation whose body, query or path parameters are validated. */
export const INVALID_INPUT = 'A field of the body, query or path is invalid (each named with the reason), or the JSON is malformed';
