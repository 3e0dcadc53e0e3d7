import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';

export interface OpenApiOptions {
  title: string;
  description: string;
  bearer?: boolean;
}

/** The service's OpenAPI 3 document, its schemas generated from the zod DTOs by nestjs-zod. */
export function createOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  let builder = new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1');
  if (options.bearer) builder = builder.addBearerAuth();
  return cleanupOpenApiDoc(SwaggerModule.createDocument(app, builder.build()));
}
