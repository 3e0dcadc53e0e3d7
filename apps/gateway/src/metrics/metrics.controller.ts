import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { UsagePublisher } from '../usage/usage.publisher';
import { AccessViewService } from '../view/access-view.service';
import { GatewayMetrics } from './gateway.metrics';

/** Prometheus exposition; served on the internal port only (internal/internal-port.ts). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics, private readonly views: AccessViewService, private readonly usage: UsagePublisher) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    for (const [kind, n] of Object.entries(this.views.view.size)) this.metrics.viewRecords.set({ kind }, n);
    this.metrics.usagePending.set(this.usage.pending);
    this.metrics.viewStaleness.set(this.views.stalenessMs / 1000);
    for (const [partition, lag] of this.views.consumer.lagByPartition()) this.metrics.viewPartitionLag.set({ partition: String(partition) }, lag);
    return this.metrics.registry.metrics();
  }
}
