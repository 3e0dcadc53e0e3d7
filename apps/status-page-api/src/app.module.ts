import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { createLoggerModule, HealthController, logLevelSchema, readinessIndicators, mongooseOptions, MongoReadiness, validateEnv, ZodValidationPipe } from '@sp/platform';
import { Env, envSchema } from './config/env.schema';
import { ContentModule } from './content/content.module';
import { Invoice, InvoiceSchema } from './invoices/invoice.schema';
import { InvoicesController } from './invoices/invoices.controller';
import { PagesModule } from './pages/pages.module';

export const SERVICE_NAME = 'status-page-api';

// The logger module is built when this file loads; a bad LOG_LEVEL falls back to info here and is
// reported (and stops the start) by ConfigModule's validation.
const logLevel = logLevelSchema.safeParse(process.env['LOG_LEVEL']).data ?? 'info';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnv(envSchema) }),
    createLoggerModule(SERVICE_NAME, logLevel),
    MongooseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) =>
        mongooseOptions(
          { MONGODB_URI: config.get('MONGODB_URI', { infer: true }), MONGODB_MAX_POOL_SIZE: config.get('MONGODB_MAX_POOL_SIZE', { infer: true }) },
          config.get('STATUS_PAGE_API_DB', { infer: true }),
        ),
    }),
    MongooseModule.forFeature([{ name: Invoice.name, schema: InvoiceSchema }]),
    TerminusModule,
    ContentModule,
    PagesModule,
  ],
  controllers: [HealthController, InvoicesController],
  providers: [{ provide: APP_PIPE, useClass: ZodValidationPipe }, MongoReadiness, readinessIndicators(MongoReadiness)],
})
export class AppModule {}
