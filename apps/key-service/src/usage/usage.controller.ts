import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrorResponses } from '@sp/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AdminGuard } from '../auth/admin.guard';
import { KeyParams, OrgParams } from '../common/params';
import { ApiAdminErrors, dateTime } from '../common/responses';
import { OrgsService } from '../orgs/orgs.service';
import { AuditLogRepository } from './audit-log.repository';

class LimitQuery extends createZodDto(
  z.strictObject({
    limit: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be >= 1').max(500, 'must be <= 500').default(100),
  }),
) {}

const usageEntry = z.looseObject({ at: dateTime() });
class KeyUsageResponseDto extends createZodDto(
  z.object({ keyId: z.string(), lastUsedAt: dateTime().nullable(), uses: z.array(usageEntry) }),
) {}
class AuditLogResponseDto extends createZodDto(
  z.object({ orgId: z.string(), entries: z.array(z.looseObject({ kind: z.string(), at: dateTime() })) }),
) {}

@ApiTags('audit')
@ApiBearerAuth()
@ApiAdminErrors()
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
  @ApiResponse({ status: 200, type: KeyUsageResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such key' })
  async usage(@Param() { keyId }: KeyParams, @Query() q: LimitQuery) {
    const key = await this.keys.require(keyId);
    return { keyId, lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null, uses: await this.audit.usageOfKey(keyId, q.limit) };
  }

  @Get('orgs/:orgId/audit-log')
  @ApiOperation({ summary: "The org's lifecycle changes (with actor and time) and key usage, newest first" })
  @ApiResponse({ status: 200, type: AuditLogResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  async auditLog(@Param() { orgId }: OrgParams, @Query() q: LimitQuery) {
    await this.orgs.require(orgId);
    return { orgId, entries: await this.audit.auditLog(orgId, q.limit) };
  }
}
