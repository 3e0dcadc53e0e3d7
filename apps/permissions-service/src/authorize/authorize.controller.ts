import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe, zodIssuesToFieldErrors } from '@sp/platform';
import { authorizeRequestSchema, type AuthorizeRequest } from './authorize.request.dto';
import { AuthorizeService } from './authorize.service';
import { InternalTokenGuard } from './internal-token.guard';

@ApiTags('internal')
@Controller('internal/v1')
export class AuthorizeController {
  constructor(private readonly authorizer: AuthorizeService) {}

  @Post('authorize')
  @HttpCode(200)
  @UseGuards(InternalTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Decide a permission for an API key (same engine as the gateway)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['apiKey', 'permission'],
      properties: { apiKey: { type: 'string' }, permission: { type: 'string' }, orgId: { type: 'string' }, statusPageId: { type: 'string' } },
    },
  })
  authorize(@Body(new ZodValidationPipe(authorizeRequestSchema)) body: AuthorizeRequest) {
    return this.authorizer.authorize(body);
  }

  /** The same call as a NestJS message pattern on the TCP transport (loopback by default). */
  @MessagePattern('authorize')
  authorizeMessage(@Payload() payload: unknown) {
    const parsed = authorizeRequestSchema.safeParse(payload);
    if (!parsed.success) throw new RpcException({ error: 'validation_failed', details: zodIssuesToFieldErrors(parsed.error) });
    return this.authorizer.authorize(parsed.data);
  }
}
