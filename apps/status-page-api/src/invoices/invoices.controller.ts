import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrorResponses } from '@sp/platform';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { OrgParams } from '../common/params';
import { ApiCommonErrors, dateTime } from '../common/responses';
import { Invoice } from './invoice.schema';

const invoiceSchema = z
  .object({ id: z.string(), number: z.string(), amountCents: z.number().int(), currency: z.string(), status: z.enum(['draft', 'open', 'paid', 'void']), issuedAt: dateTime() })
;
class InvoiceListResponseDto extends createZodDto(z.array(invoiceSchema)) {}

@ApiTags('invoices')
@ApiIdentityHeaders()
@ApiCommonErrors()
@UseGuards(IdentityGuard)
@Controller('v1/orgs/:orgId/invoices')
export class InvoicesController {
  constructor(@InjectModel(Invoice.name) private readonly invoices: Model<Invoice>) {}

  @Get()
  @ApiOperation({ summary: "The org's invoices, newest first (at most 100)" })
  @ApiResponse({ status: 200, type: InvoiceListResponseDto.Output })
  @ApiErrorResponses({ 404: 'Not the caller\'s org: {"error":"not_found"}' })
  async list(@OrgId() orgId: string, @Param() { orgId: pathOrgId }: OrgParams) {
    if (pathOrgId !== orgId) throw new NotFoundException({ error: 'not_found' });
    const rows = await this.invoices.find({ orgId }).sort({ issuedAt: -1 }).limit(100).lean().exec();
    return rows.map((r) => ({
      id: String(r._id),
      number: r.number,
      amountCents: r.amountCents,
      currency: r.currency,
      status: r.status,
      issuedAt: new Date(r.issuedAt).toISOString(),
    }));
  }
}
