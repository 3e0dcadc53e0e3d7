import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { createLoggerModule, eventSignerProvider, HealthController, kafkaPublisherProvider, readinessIndicators, validateEnv } from '@sp/platform';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { gatewayEnvSchema } from './config/env.schema';
import { KafkaReadiness, RateLimitReadiness, ViewReadiness } from './health/gateway.health';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { PublicApiController } from './public-api/public-api.controller';
import { UpstreamForwarder } from './public-api/upstream.forwarder';
import { RateLimitsService } from './rate-limit/rate-limits.service';
import { rateLimitStoreProvider } from './rate-limit/redis-rate-limit.store';
import { UsageHook } from './usage/usage.hook';
import { UsagePublisher } from './usage/usage.publisher';
import { AccessViewService } from './view/access-view.service';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnv(gatewayEnvSchema), ignoreEnvFile: true }),
    createLoggerModule('gateway', process.env.LOG_LEVEL ?? 'info', { accessLog: 'hook' }),
    PassportModule,
    TerminusModule,
  ],
  controllers: [HealthController, MetricsController, PublicApiController],
  providers: [
    kafkaPublisherProvider('gateway'),
    eventSignerProvider,
    GatewayMetrics,
    AccessViewService,
    ApiKeyStrategy,
    ApiKeyGuard,
    rateLimitStoreProvider,
    RateLimitsService,
    UsagePublisher,
    UsageHook,
    UpstreamForwarder,
    ViewReadiness,
    KafkaReadiness,
    RateLimitReadiness,
    readinessIndicators(ViewReadiness, KafkaReadiness, RateLimitReadiness),
  ],
})
export class AppModule {}
