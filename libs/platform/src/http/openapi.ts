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
  // OpenAPI 3.1: JSON Schema proper, so nullable fields are `type: [T, 'null']` as zod emits them
  // (nestjs-zod's down-conversion to 3.0 mangles `string | null` into an array type).
  let builder = new DocumentBuilder().setOpenAPIVersion('3.1.0').setTitle(options.title).setDescription(options.description).setVersion('1');
  if (options.bearer) builder = builder.addBearerAuth();
  return cleanupOpenApiDoc(SwaggerModule.createDocument(app, builder.build()), { version: '3.1' });
}
