import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, INVALID_INPUT, zodIssuesToFieldErrors } from '@sp/platform';
import { AuthorizeRequestDto, AuthorizeResponseDto, authorizeRequestSchema } from './authorize.request.dto';
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
  @ApiResponse({ status: 200, description: 'The decision (a denial is a 200 with allowed: false)', type: AuthorizeResponseDto.Output })
  @ApiErrorResponses({ 400: INVALID_INPUT, 401: 'No valid internal bearer token: {"error":"unauthorized"}' })
  authorize(@Body() body: AuthorizeRequestDto) {
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
