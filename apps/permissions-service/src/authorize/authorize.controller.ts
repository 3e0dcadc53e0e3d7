import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Ctx, MessagePattern, Payload, RpcException, type TcpContext } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, digest, INVALID_INPUT, limiterFor, maxTokenFailuresPerMinute, sameToken, zodIssuesToFieldErrors, type FailureLimiter } from '@sp/platform';
import type { PermissionsEnv } from '../config/env.schema';
import { AuthorizeRequestDto, AuthorizeResponseDto, authorizeMessageSchema } from './authorize.request.dto';
import { AuthorizeService } from './authorize.service';
import { InternalTokenGuard } from './internal-token.guard';

@ApiTags('internal')
@Controller('internal/v1')
export class AuthorizeController {
  private readonly internalToken: Buffer;
  private readonly failures: FailureLimiter;

  constructor(
    private readonly authorizer: AuthorizeService,
    config: ConfigService<PermissionsEnv, true>,
  ) {
    this.internalToken = digest(config.get('INTERNAL_TOKEN', { infer: true }));
    // The same limiter as the HTTP guard's: failures on either transport count together per address.
    this.failures = limiterFor('INTERNAL_TOKEN', maxTokenFailuresPerMinute(config.get('STATIC_TOKEN_MAX_FAILURES_PER_MINUTE' as never)));
  }

  @Post('authorize')
  @HttpCode(200)
  @UseGuards(InternalTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Decide a permission for an API key (same engine as the gateway); every denial answers the same' })
  @ApiResponse({ status: 200, description: 'The decision (a denial is a 200 with allowed: false and no principal)', type: AuthorizeResponseDto.Output })
  @ApiErrorResponses({
    400: INVALID_INPUT,
    401: 'No valid internal bearer token: {"error":"unauthorized"}',
    429: 'Too many failed token attempts from this address: {"error":"too_many_failed_authentications"}, with Retry-After',
  })
  authorize(@Body() body: AuthorizeRequestDto) {
    return this.authorizer.authorize(body, 'http');
  }

  /**
   * The same call as a NestJS message pattern on the TCP transport. The payload carries the
   * internal token (`internalToken`), checked in constant time before anything else: without it
   * the answer is an error that says nothing about the key, and nothing is decided or recorded.
   */
  @MessagePattern('authorize')
  authorizeMessage(@Payload() payload: unknown, @Ctx() ctx: TcpContext) {
    const address = remoteAddress(ctx);
    const wait = address === null ? 0 : this.failures.blockedFor(address);
    if (wait > 0) throw new RpcException({ error: 'too_many_failed_authentications', retryAfterSeconds: wait });
    const token = typeof payload === 'object' && payload !== null ? (payload as { internalToken?: unknown }).internalToken : undefined;
    if (!sameToken(token, this.internalToken)) {
      if (address !== null) this.failures.failed(address);
      throw new RpcException({ error: 'unauthorized', message: 'a valid internalToken is required' });
    }
    const parsed = authorizeMessageSchema.safeParse(payload);
    if (!parsed.success) throw new RpcException({ error: 'validation_failed', details: zodIssuesToFieldErrors(parsed.error) });
    const { internalToken: _token, ...request } = parsed.data;
    return this.authorizer.authorize(request, 'tcp');
  }
}

function remoteAddress(ctx: TcpContext | undefined): string | null {
  return ctx?.getSocketRef()?.netSocket?.remoteAddress ?? null;
}
