import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { createLoggerModule, eventSignerProvider, HealthController, kafkaPublisherProvider, readinessIndicators, mongooseOptions, MongoReadiness, validateEnv, ZodValidationPipe } from '@sp/platform';
import { ApiKey, ApiKeySchema } from './api-keys/api-key.schema';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AccessControl } from './auth/access-control.service';
import { keyServiceEnvSchema, type KeyServiceEnv } from './config/env.schema';
import { KafkaReadiness } from './health/key-service.health';
import { Member, MemberSchema } from './members/member.schema';
import { MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { Org, OrgSchema } from './orgs/org.schema';
import { OrgsController } from './orgs/orgs.controller';
import { OrgsService } from './orgs/orgs.service';
import { AggregateWriter } from './outbox/aggregate.writer';
import { OUTBOX_MODELS, OutboxRelay } from './outbox/outbox.relay';
import { SecretScanningController } from './secret-scanning/secret-scanning.controller';
import { SecretScanningService } from './secret-scanning/secret-scanning.service';
import { StatusPage, StatusPageSchema } from './status-pages/status-page.schema';
import { StatusPagesController } from './status-pages/status-pages.controller';
import { StatusPagesService } from './status-pages/status-pages.service';
import { AuditEvent, AuditEventSchema, KeyUsage, KeyUsageSchema } from './usage/audit.schemas';
import { AuditLogRepository } from './usage/audit-log.repository';
import { KeyUsageConsumer } from './usage/key-usage.consumer';
import { UsageRetention } from './usage/usage-retention.service';
import { UsageController } from './usage/usage.controller';

const env = validateEnv(keyServiceEnvSchema);

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: env, ignoreEnvFile: true }),
    createLoggerModule('key-service', process.env.LOG_LEVEL ?? 'info'),
    MongooseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<KeyServiceEnv, true>) => 
        mongooseOptions(
          { MONGODB_URI: config.get('MONGODB_URI', { infer: true }), MONGODB_MAX_POOL_SIZE: config.get('MONGODB_MAX_POOL_SIZE', { infer: true }) },
          config.get('KEY_SERVICE_DB', { infer: true }),
        ),
    }),
    MongooseModule.forFeature([
      { name: Org.name, schema: OrgSchema },
      { name: StatusPage.name, schema: StatusPageSchema },
      { name: Member.name, schema: MemberSchema },
      { name: ApiKey.name, schema: ApiKeySchema },
      { name: AuditEvent.name, schema: AuditEventSchema },
      { name: KeyUsage.name, schema: KeyUsageSchema },
    ]),
    TerminusModule,
  ],
  controllers: [OrgsController, StatusPagesController, MembersController, ApiKeysController, UsageController, SecretScanningController, HealthController],
  providers: [
    { provide: APP_PIPE, useClass: ZodValidationPipe },
    kafkaPublisherProvider('key-service', { signsAccessEvents: true }),
    eventSignerProvider,
    {
      provide: OUTBOX_MODELS,
      inject: [getModelToken(Org.name), getModelToken(StatusPage.name), getModelToken(Member.name), getModelToken(ApiKey.name)],
      useFactory: (...models: unknown[]) => models,
    },
    AggregateWriter,
    OutboxRelay,
    AuditLogRepository,
    KeyUsageConsumer,
    UsageRetention,
    OrgsService,
    StatusPagesService,
    MembersService,
    ApiKeysService,
    AccessControl,
    SecretScanningService,
    MongoReadiness,
    KafkaReadiness,
    readinessIndicators(MongoReadiness, KafkaReadiness),
  ],
})
export class AppModule {}
