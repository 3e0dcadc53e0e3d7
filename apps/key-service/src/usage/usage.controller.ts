import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrorResponses } from '@sp/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccessControl } from '../auth/access-control.service';
import { AdminGuard } from '../auth/admin.guard';
import { ApiActingUser, CurrentCaller, type Caller } from '../auth/caller';
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
@ApiActingUser()
@UseGuards(AdminGuard)
@Controller('v1')
export class UsageController {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly keys: ApiKeysService,
    private readonly orgs: OrgsService,
    private readonly access: AccessControl,
  ) {}

  @Get('api-keys/:keyId/usage')
  @ApiOperation({ summary: 'Recent uses of a key, allowed and denied (when, route, decision, address)' })
  @ApiResponse({ status: 200, type: KeyUsageResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such key' })
  async usage(@Param() { keyId }: KeyParams, @Query() q: LimitQuery, @CurrentCaller() caller: Caller) {
    // Its owner or api_key:manage.
    const key = await this.keys.requireFor(keyId, caller);
    return { keyId, lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null, uses: await this.audit.usageOfKey(keyId, q.limit) };
  }

  @Get('orgs/:orgId/audit-log')
  @ApiOperation({ summary: "The org's lifecycle changes (with actor and time) and key usage, newest first" })
  @ApiResponse({ status: 200, type: AuditLogResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  async auditLog(@Param() { orgId }: OrgParams, @Query() q: LimitQuery, @CurrentCaller() caller: Caller) {
    await this.orgs.require(orgId);
    await this.access.require(orgId, caller, 'api_key:manage');
    return { orgId, entries: await this.audit.auditLog(orgId, q.limit) };
  }
}
