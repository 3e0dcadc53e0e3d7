import { applyDecorators } from '@nestjs/common';
import { ApiErrorResponses, INVALID_INPUT } from '@sp/platform';
import { z } from 'zod';

// Functions, not shared instances: zod lifts a schema instance used twice into $defs, which
// nestjs-zod's cleanup then mis-links across components.
export const dateTime = () => z.iso.datetime();

/** Errors every operation of this service may answer: bad input, no identity signed by the gateway. */
export const ApiCommonErrors = () =>
  applyDecorators(
    ApiErrorResponses({
      400: INVALID_INPUT,
      401: '{"error":"missing_identity"}: no identity signed by the gateway (absent, unsigned, badly signed or expired)',
    }),
  );
