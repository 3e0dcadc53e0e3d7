import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { ParseIdPipe } from '../common/id.pipe';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { Invoice } from './invoice.schema';

@ApiTags('invoices')
@ApiIdentityHeaders()
@UseGuards(IdentityGuard)
@Controller('v1/orgs/:orgId/invoices')
export class InvoicesController {
  constructor(@InjectModel(Invoice.name) private readonly invoices: Model<Invoice>) {}

  @Get()
  @ApiOperation({ summary: "The org's invoices, newest first (at most 100)" })
  async list(@OrgId() orgId: string, @Param('orgId', ParseIdPipe) pathOrgId: string) {
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
