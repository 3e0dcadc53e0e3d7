import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaPublisher, type ReadinessIndicator } from '@sp/platform';
import { UsagePublisher } from '../usage/usage.publisher';
import { AccessViewService } from '../view/access-view.service';

/** Ready once the view has caught up with the access topic as it stood at start (fail closed before). */
@Injectable()
export class ViewReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly views: AccessViewService) {}
  async check() {
    const session = this.indicator.check('view');
    const c = this.views.consumer;
    const details = { caughtUp: c.isCaughtUp, startLag: c.startLag(), consumerError: c.error, ...this.views.view.size };
    return c.isCaughtUp && c.isRunning ? session.up(details) : session.down(details);
  }
}

@Injectable()
export class KafkaReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly publisher: KafkaPublisher, private readonly usage: UsagePublisher) {}
  async check() {
    const session = this.indicator.check('kafka');
    const details = { producer: this.publisher.isConnected, usagePending: this.usage.pending, usageDropped: this.usage.dropped };
    return this.publisher.isConnected ? session.up(details) : session.down(details);
  }
}
