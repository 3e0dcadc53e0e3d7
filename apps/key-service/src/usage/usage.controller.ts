import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '@sp/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AdminGuard } from '../auth/admin.guard';
import { IdParam } from '../common/params';
import { OrgsService } from '../orgs/orgs.service';
import { AuditLogRepository } from './audit-log.repository';

const limitQuery = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be >= 1').max(500, 'must be <= 500').default(100),
});

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1')
export class UsageController {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly keys: ApiKeysService,
    private readonly orgs: OrgsService,
  ) {}

  @Get('api-keys/:keyId/usage')
  @ApiOperation({ summary: 'Recent uses of a key, allowed and denied (when, route, decision, address)' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async usage(@IdParam('keyId') keyId: string, @Query(new ZodValidationPipe(limitQuery)) q: { limit: number }) {
    const key = await this.keys.require(keyId);
    return { keyId, lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null, uses: await this.audit.usageOfKey(keyId, q.limit) };
  }

  @Get('orgs/:orgId/audit-log')
  @ApiOperation({ summary: "The org's lifecycle changes (with actor and time) and key usage, newest first" })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async auditLog(@IdParam('orgId') orgId: string, @Query(new ZodValidationPipe(limitQuery)) q: { limit: number }) {
    await this.orgs.require(orgId);
    return { orgId, entries: await this.audit.auditLog(orgId, q.limit) };
  }
}
