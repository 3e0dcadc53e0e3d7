import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics (served at /metrics on the internal port only). */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly decisions = new Counter({
    name: 'gateway_decisions_total',
    help: 'Authorization decisions by outcome (allow, or the denial reason)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /**
   * Measured from the guard starting on a request, so it is what authorization adds to a request:
   * route metadata, key check, any X-Consistency-Token wait, and the engine's decision.
   */
  readonly decisionSeconds = new Histogram({
    name: 'gateway_decision_duration_seconds',
    help: 'From the API-key guard starting on a request to its decision: API key check, any X-Consistency-Token wait, permission engine (no I/O on a view hit)',
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

  readonly viewStaleness = new Gauge({
    name: 'gateway_view_staleness_seconds',
    help: "Since the view's consumer last completed a fetch from the broker (heartbeats, not event arrival); past VIEW_MAX_STALENESS_MS requests get 503 view_not_fresh",
    registers: [this.registry],
  });

  readonly viewPartitionLag = new Gauge({
    name: 'gateway_view_partition_lag_events',
    help: 'Access events between the view and the end of each partition, as last fetched',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });

  /** Records in the in-process view by kind (read at scrape time; formerly in the public /health/ready). */
  readonly viewRecords = new Gauge({
    name: 'gateway_view_records',
    help: 'Records held in the in-process access view, by kind',
    labelNames: ['kind'] as const,
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

  readonly usageDropped = new Counter({
    name: 'gateway_usage_dropped_total',
    help: 'Key-usage decisions dropped because the org had used its fair share of a full buffer, by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });

  readonly usagePending = new Gauge({
    name: 'gateway_usage_pending',
    help: 'Key-usage events tallied or unsent, waiting for the next publish',
    registers: [this.registry],
  });

  readonly rateLimitStoreUp = new Gauge({
    name: 'gateway_rate_limit_store_up',
    help: 'Whether the last sync with the rate-limit store (Redis) succeeded: 1 cluster-wide limits, 0 unreachable (this gateway admits limit / instances) or no store (REDIS_URL unset)',
    registers: [this.registry],
  });

  readonly rateLimitInstances = new Gauge({
    name: 'gateway_rate_limit_instances',
    help: 'Gateways sharing the rate limits, as last read from the store (their heartbeats); 1 without a store',
    registers: [this.registry],
  });

  readonly rateLimitSyncSeconds = new Histogram({
    name: 'gateway_rate_limit_sync_duration_seconds',
    help: 'One sync of the rate-limit counters with the store (off the request path, every RATE_LIMIT_SYNC_MS)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly rateLimitSyncFailures = new Counter({
    name: 'gateway_rate_limit_sync_failures_total',
    help: 'Syncs with the rate-limit store that failed (unreachable or timed out)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}
