import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { createLoggerModule, eventSignerProvider, HealthController, kafkaPublisherProvider, readinessIndicators, mongooseOptions, MongoReadiness, validateEnv, ZodValidationPipe } from '@sp/platform';
import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizeService } from './authorize/authorize.service';
import { permissionsEnvSchema, type PermissionsEnv } from './config/env.schema';
import { ProjectionReadiness } from './health/permissions.health';
import { SnapshotCacheService } from './snapshot/snapshot-cache.service';
import { ViewSnapshotController } from './snapshot/view-snapshot.controller';
import { ProjectionConsumer } from './view/projection.consumer';
import { ProjectionService } from './view/projection.service';
import { ViewRepository } from './view/view.repository';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnv(permissionsEnvSchema), ignoreEnvFile: true }),
    createLoggerModule('permissions-service', process.env.LOG_LEVEL ?? 'info'),
    MongooseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<PermissionsEnv, true>) => 
        mongooseOptions(
          { MONGODB_URI: config.get('MONGODB_URI', { infer: true }), MONGODB_MAX_POOL_SIZE: config.get('MONGODB_MAX_POOL_SIZE', { infer: true }) },
          config.get('PERMISSIONS_DB', { infer: true }),
        ),
    }),
    TerminusModule,
  ],
  controllers: [AuthorizeController, ViewSnapshotController, HealthController],
  providers: [
    { provide: APP_PIPE, useClass: ZodValidationPipe },
    kafkaPublisherProvider('permissions-service'),
    eventSignerProvider,
    ViewRepository,
    ProjectionService,
    ProjectionConsumer,
    SnapshotCacheService,
    AuthorizeService,
    MongoReadiness,
    ProjectionReadiness,
    readinessIndicators(MongoReadiness, ProjectionReadiness),
  ],
})
export class AppModule {}
