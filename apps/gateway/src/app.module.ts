import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@sp/contracts';
import { createLoggerModule, ensureTopics, HealthController, KafkaPublisher, readinessIndicators, validateEnv } from '@sp/platform';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { gatewayEnvSchema, type GatewayEnv } from './config/env.schema';
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
    {
      provide: KafkaPublisher,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<GatewayEnv, true>) => {
        const brokers = config.get('KAFKA_BROKERS', { infer: true });
        await ensureTopics(brokers, Object.values(TOPICS), {
          numPartitions: config.get('KAFKA_PARTITIONS', { infer: true }),
          replicationFactor: config.get('KAFKA_REPLICATION_FACTOR', { infer: true }),
        });
        const publisher = new KafkaPublisher(brokers, 'gateway');
        await publisher.connect();
        return publisher;
      },
    },
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
