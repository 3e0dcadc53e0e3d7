import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaPublisher, type ReadinessIndicator } from '@sp/platform';
import { ProjectionConsumer } from '../view/projection.consumer';

/** Ready only once the view has caught up with the access topic as it stood at start. */
@Injectable()
export class ProjectionReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly projection: ProjectionConsumer, private readonly publisher: KafkaPublisher) {}
  async check() {
    const c = this.projection.consumer;
    const topicProblems = this.publisher.topicProblems;
    const gaps = c.gaps.map((g) => `partition ${g.partition}: events ${g.from}..${g.logStart - 1n} deleted before they were applied`);
    const details = { caughtUp: c.isCaughtUp, startLag: c.startLag(), processed: c.processed, deadLettered: c.deadLettered, error: c.error, topicProblems, gaps };
    const session = this.indicator.check('projection');
    return c.isCaughtUp && c.isRunning && topicProblems.length === 0 && gaps.length === 0 ? session.up(details) : session.down(details);
  }
}
