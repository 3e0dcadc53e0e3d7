import { applyDecorators, type Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiErrorResponses, INVALID_INPUT } from '@sp/platform';
import { z } from 'zod';

/** Date-times as answered (Date objects and ISO strings both serialize to this). */
// Functions, not shared instances: zod lifts a schema instance used twice into $defs, which
// nestjs-zod's cleanup then mis-links across components.
export const dateTime = () => z.iso.datetime();

/** Present on every answer of a mutating call (DESIGN.md "Consistency and revocation"). */
export const consistencyToken = () => z.string().describe('Present it as X-Consistency-Token for a view at least this fresh');

/** Errors every admin operation may answer: bad input, and a missing or wrong admin token. */
export const ApiAdminErrors = () =>
  ApiErrorResponses({
    400: INVALID_INPUT,
    401: 'No valid admin bearer token: {"error":"unauthorized"}',
    429: 'Too many failed admin token attempts from this address: {"error":"too_many_failed_authentications"}, with Retry-After',
  });

/** An upsert: 201 when it created the resource, 200 when it changed or confirmed an existing one. */
export function ApiUpsertResponses(type: Type<unknown>, what: string): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 201, description: `The ${what} was created`, type }),
    ApiResponse({ status: 200, description: `The ${what} existed and now has this state`, type }),
  );
}
