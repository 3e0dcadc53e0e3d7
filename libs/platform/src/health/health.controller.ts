import { Controller, Get, Inject, Provider, Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';

/** A readiness check: resolves to terminus' result, throws (HealthCheckError) or returns down when not ready. */
export interface ReadinessIndicator {
  check(): Promise<HealthIndicatorResult>;
}
export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Connected to its dependencies and caught up with the events it consumes. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.indicators.map((i) => () => i.check()));
  }
}

/**
 * Registers the app's readiness indicators for HealthController. Use in the app module:
 * `imports: [TerminusModule], controllers: [HealthController], providers: [A, B, readinessIndicators(A, B)]`.
 */
export function readinessIndicators(...indicators: Type<ReadinessIndicator>[]): Provider {
  return { provide: READINESS_INDICATORS, useFactory: (...list: ReadinessIndicator[]) => list, inject: indicators };
}
