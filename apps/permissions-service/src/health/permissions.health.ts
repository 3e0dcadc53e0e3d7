import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@sp/platform';
import { ProjectionConsumer } from '../view/projection.consumer';

/** Ready only once the view has caught up with the access topic as it stood at start. */
@Injectable()
export class ProjectionReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly projection: ProjectionConsumer) {}
  async check() {
    const c = this.projection.consumer;
    const details = { caughtUp: c.isCaughtUp, startLag: c.startLag(), processed: c.processed, deadLettered: c.deadLettered, error: c.error };
    const session = this.indicator.check('projection');
    return c.isCaughtUp && c.isRunning ? session.up(details) : session.down(details);
  }
}
