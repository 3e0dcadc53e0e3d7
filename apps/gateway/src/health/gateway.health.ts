import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaPublisher, type ReadinessIndicator } from '@sp/platform';
import { RateLimitsService } from '../rate-limit/rate-limits.service';
import { AccessViewService } from '../view/access-view.service';

/**
 * Ready once the view has loaded its snapshot, caught up with the access topic as it stood at
 * start, and while its consumer keeps hearing from the broker (VIEW_MAX_STALENESS_MS); fail closed
 * otherwise. /health/ready is on the public port, so it says up or down and the state, nothing
 * about the view's contents; counts and lags are metrics, on the internal port.
 */
@Injectable()
export class ViewReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly views: AccessViewService) {}
  async check() {
    const session = this.indicator.check('view');
    const state = this.views.state;
    return state === 'fresh' ? session.up() : session.down({ state });
  }
}

@Injectable()
export class KafkaReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly publisher: KafkaPublisher) {}
  async check() {
    const session = this.indicator.check('kafka');
    return this.publisher.isConnected && this.publisher.topicProblems.length === 0 ? session.up() : session.down({ topicConfiguration: this.publisher.topicProblems.length === 0 ? 'ok' : 'would lose events (see the log)' });
  }
}

/**
 * Always up: with the rate-limit store (Redis) unreachable the gateway keeps serving, each limit at
 * its share (limit / instances). The details say which: store, connected, instances, mode.
 */
@Injectable()
export class RateLimitReadiness implements ReadinessIndicator {
  constructor(private readonly indicator: HealthIndicatorService, private readonly limits: RateLimitsService) {}
  async check() {
    return this.indicator.check('rateLimits').up({ ...this.limits.state });
  }
}
