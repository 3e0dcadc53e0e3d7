import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { createLoggerModule, HealthController, kafkaPublisherProvider, readinessIndicators, validateEnv } from '@sp/platform';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { gatewayEnvSchema } from './config/env.schema';
import { KafkaReadiness, ViewReadiness } from './health/gateway.health';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { PublicApiHandler } from './public-api/public-api.handler';
import { UpstreamProxy } from './public-api/upstream.proxy';
import { RateLimitsService } from './rate-limit/rate-limits.service';
import { UsagePublisher } from './usage/usage.publisher';
import { AccessViewService } from './view/access-view.service';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnv(gatewayEnvSchema), ignoreEnvFile: true }),
    createLoggerModule('gateway', process.env.LOG_LEVEL ?? 'info'),
    PassportModule,
    TerminusModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    kafkaPublisherProvider('gateway'),
    GatewayMetrics,
    AccessViewService,
    ApiKeyStrategy,
    RateLimitsService,
    UsagePublisher,
    UpstreamProxy,
    PublicApiHandler,
    ViewReadiness,
    KafkaReadiness,
    readinessIndicators(ViewReadiness, KafkaReadiness),
  ],
})
export class AppModule {}
