import { Module, Provider } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { incidentContent } from '../incidents/incident.content';
import { maintenanceContent } from '../maintenances/maintenance.content';
import { serviceContent } from '../services/service.content';
import { subscriptionContent } from '../subscriptions/subscription.content';
import { ContentDefinition, contentServiceToken } from './content-definition';
import { createContentController } from './content.controller';
import { ContentRecord, ContentRepository } from './content.repository';
import { ContentRegistry } from './content.registry';
import { ContentService } from './content.service';

/** The content kinds this service stores, in the order a page's content is deleted. */
export const CONTENT_DEFINITIONS: readonly ContentDefinition[] = [incidentContent, maintenanceContent, serviceContent, subscriptionContent];

/** One ContentService per kind; created once the collection's indexes exist (unique ones included). */
function contentServiceProvider(definition: ContentDefinition): Provider {
  return {
    provide: contentServiceToken(definition.kind),
    useFactory: async (model: Model<ContentRecord>) => {
      const service = new ContentService(definition, new ContentRepository(model));
      await service.ready();
      return service;
    },
    inject: [getModelToken(definition.modelName)],
  };
}

@Module({
  imports: [MongooseModule.forFeature(CONTENT_DEFINITIONS.map(({ modelName, schema }) => ({ name: modelName, schema })))],
  controllers: CONTENT_DEFINITIONS.map(createContentController),
  providers: [
    ...CONTENT_DEFINITIONS.map(contentServiceProvider),
    {
      provide: ContentRegistry,
      useFactory: (...services: ContentService[]) => new ContentRegistry(services),
      inject: CONTENT_DEFINITIONS.map(({ kind }) => contentServiceToken(kind)),
    },
  ],
  exports: [ContentRegistry],
})
export class ContentModule {}
