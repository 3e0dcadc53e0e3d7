import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HotPathHistogram } from './hot-path-histogram';

/** A running count the request path increments as a plain number. */
export interface Tally {
  n: number;
}

/** The gateway's Prometheus metrics (served at /metrics). */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly decisionTallies = new Map<string, Tally>();

  /**
   * Filled at scrape time from `decisionTally` counts: a decision costs the request path one
   * integer increment instead of prom-client's per-call label hashing.
   */
  readonly decisions: Counter<'outcome'> = new Counter({
    name: 'gateway_decisions_total',
    help: 'Authorization decisions by outcome (allow, or the denial reason)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
    collect: () => {
      this.decisions.reset();
      for (const [outcome, tally] of this.decisionTallies) this.decisions.inc({ outcome }, tally.n);
    },
  });

  /**
   * Observed on every decision, so a HotPathHistogram (an array increment). Measured from the
   * request reaching the gateway's handler, so it is what authorization adds to a request: route
   * match, key check, any X-Consistency-Token wait, and the engine's decision.
   */
  readonly decisionSeconds = new HotPathHistogram({
    name: 'gateway_decision_duration_seconds',
    help: 'From a request reaching the gateway to its decision: route match, API key check, any X-Consistency-Token wait, permission engine (no I/O on a view hit)',
    buckets: [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.05, 0.5, 2.5],
    registers: [this.registry],
  });

  readonly requestSeconds = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Whole request time by route pattern and status class',
    labelNames: ['route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly viewStartLag = new Gauge({
    name: 'gateway_view_start_lag_events',
    help: 'Access events between the view and the topic end seen at start (0 once caught up)',
    registers: [this.registry],
  });

  readonly viewEventAge = new Gauge({
    name: 'gateway_view_last_event_age_seconds',
    help: 'Age of the newest access event applied to the view, when it was applied',
    registers: [this.registry],
  });

  readonly revocationPropagation = new Histogram({
    name: 'gateway_revocation_propagation_seconds',
    help: 'From a KeyRevoked event being written to the view enforcing it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly usageEvents = new Counter({
    name: 'gateway_usage_events_total',
    help: 'Key-usage events by fate: published, dropped (buffer full) or failed (publish error, retried)',
    labelNames: ['fate'] as const,
    registers: [this.registry],
  });

  /** The running count of decisions with this outcome (increment `n`). */
  decisionTally(outcome: string): Tally {
    let tally = this.decisionTallies.get(outcome);
    if (tally === undefined) {
      tally = { n: 0 };
      this.decisionTallies.set(outcome, tally);
    }
    return tally;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}
