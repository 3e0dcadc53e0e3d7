import { Controller, Headers, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, validationError, zodIssuesToFieldErrors } from '@sp/platform';
import { SecretScanningResponseDto, secretScanningReportSchema } from './secret-scanning.dto';
import { SecretScanningService } from './secret-scanning.service';

export const SECRET_SCANNING_PATH = '/v1/secret-scanning/reports';

/**
 * GitHub's secret-scanning partner endpoint: no admin token, the signature is the authentication.
 * The body arrives raw (startHttpApp's rawBodyRoutes) so the signature is checked over the exact
 * bytes; only then is it parsed.
 */
@ApiTags('secret-scanning')
@Controller('v1/secret-scanning')
export class SecretScanningController {
  constructor(private readonly scanning: SecretScanningService) {}

  @Post('reports')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leaked-key reports (GitHub secret scanning): our live keys among them are revoked at once (reason leaked)' })
  @ApiHeader({ name: 'Github-Public-Key-Identifier', required: true, description: 'Which trusted key signed the body' })
  @ApiHeader({ name: 'Github-Public-Key-Signature', required: true, description: 'ECDSA P-256 / SHA-256 signature of the raw body, base64 DER' })
  @ApiBody({
    schema: {
      type: 'array',
      items: { type: 'object', required: ['token', 'type'], properties: { token: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' } } },
    },
  })
  @ApiResponse({ status: 200, description: 'Each token labelled true_positive (one of our keys) or false_positive', type: SecretScanningResponseDto.Output })
  @ApiErrorResponses({ 400: 'The signed body is not a report', 401: 'Missing or bad signature: {"error":"unauthorized"}; nothing changes', 413: 'Body too large' })
  async report(
    @Req() req: { body?: unknown },
    @Headers('github-public-key-identifier') keyId: string | undefined,
    @Headers('github-public-key-signature') signature: string | undefined,
  ) {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!this.scanning.verifySignature(body, keyId, signature)) {
      throw new UnauthorizedException({ error: 'unauthorized', message: 'a valid Github-Public-Key-Signature over the body is required' });
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw validationError([{ field: '(body)', reason: 'malformed JSON' }]);
    }
    const parsed = secretScanningReportSchema.safeParse(json);
    if (!parsed.success) throw validationError(zodIssuesToFieldErrors(parsed.error));
    return this.scanning.handle(parsed.data);
  }
}
