import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags, type ApiResponseOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import {
  createIncidentSchema,
  createMaintenanceSchema,
  createServiceSchema,
  createSubscriptionSchema,
  updateIncidentSchema,
  updateMaintenanceSchema,
  updatePageSettingsSchema,
  updateServiceSchema,
  updateSubscriptionSchema,
} from '@sp/contracts';
import type { Policy } from './policy.table';

/** The security schemes of the public API (registered on the document in main.ts): any one of them. */
export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <key>`' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: '`X-API-Key: <key>`' },
  bareAuthorization: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Authorization: <key>`, the bare key (StatusPal clients). Two different keys in one request: 401.' },
} as const;

/** An OpenAPI 3.0 schema of what a zod body schema accepts (status-page-api's own schemas, from libs/contracts). */
function schemaOf(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

const BODIES: Record<string, { create: z.ZodType; update: z.ZodType }> = {
  incidents: { create: createIncidentSchema, update: updateIncidentSchema },
  maintenances: { create: createMaintenanceSchema, update: updateMaintenanceSchema },
  services: { create: createServiceSchema, update: updateServiceSchema },
  subscriptions: { create: createSubscriptionSchema, update: updateSubscriptionSchema },
};

/** The request body of a policy row, if it takes one: the upstream's schema for that kind and method. */
export function bodyOf(policy: Policy): z.ZodType | null {
  if (policy.method !== 'POST' && policy.method !== 'PATCH') return null;
  const kind = /^\/v1\/status-pages\/:pageId\/([a-z]+)/.exec(policy.path)?.[1];
  if (kind === undefined) return policy.method === 'PATCH' && policy.path === '/v1/status-pages/:pageId' ? updatePageSettingsSchema : null;
  const bodies = BODIES[kind];
  return policy.method === 'POST' ? bodies.create : bodies.update;
}

const error = (code: string, extra: Record<string, SchemaObject> = {}): SchemaObject => ({
  type: 'object',
  required: ['error', ...Object.keys(extra)],
  properties: { error: { type: 'string', enum: [code] }, ...extra },
});

/** The public contract's error shapes (DESIGN.md "Errors"). */
export const ERROR_SCHEMAS: Record<string, SchemaObject> = {
  InvalidApiKey: error('invalid_api_key'),
  NotFound: error('not_found'),
  InsufficientPermissions: error('insufficient_permissions', { required: { type: 'string', description: 'the permission the route needs' } }),
  IpNotAllowed: error('ip_not_allowed'),
  TooManyRequests: { type: 'object', required: ['error'], properties: { error: { type: 'string', enum: ['rate_limited', 'too_many_failed_authentications'] } } },
  ViewNotFresh: { type: 'object', required: ['error'], properties: { error: { type: 'string', enum: ['view_not_fresh', 'view_not_ready'] } } },
  ValidationFailed: {
    type: 'object',
    required: ['error', 'details'],
    properties: {
      error: { type: 'string', enum: ['validation_failed'] },
      message: { type: 'string' },
      details: { type: 'array', items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
    },
  },
};

const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` }) as SchemaObject;

function successOf(policy: Policy): ApiResponseOptions {
  if (policy.answer === 'view:status-pages') {
    return {
      status: 200,
      description: 'The status pages this key can read',
      schema: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    };
  }
  if (policy.answer === 'view:members') {
    return {
      status: 200,
      description: "The org's members",
      schema: {
        type: 'array',
        items: {
          type: 'object',
          properties: { userId: { type: 'string' }, role: { type: 'string', nullable: true }, pageRoles: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    };
  }
  if (policy.method === 'POST') return { status: 201, description: 'Created (answered by status-page-api)' };
  if (policy.method === 'DELETE') return { status: 204, description: 'Deleted (answered by status-page-api)' };
  return { status: 200, description: 'Answered by status-page-api' };
}

/**
 * The OpenAPI description of one policy-table row: its permission (in the summary and as
 * `x-required-permission`), path parameters, body (status-page-api's schema), success answer, the
 * error answers, and the API-key security schemes.
 */
export function PolicyOpenApi(policy: Policy): MethodDecorator {
  const params = [...policy.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const body = bodyOf(policy);
  const tag = /^\/v1\/(?:status-pages\/:pageId\/([a-z]+)|orgs\/:orgId\/([a-z]+)|(status-pages))/.exec(policy.path)?.slice(1).find(Boolean) ?? 'status-pages';
  return applyDecorators(
    ApiTags(tag),
    ApiOperation({ summary: `${policy.method} ${policy.path} (needs ${policy.permission})`, description: `Permission: \`${policy.permission}\`.` }),
    ApiExtension('x-required-permission', policy.permission),
    ...params.map((name) => ApiParam({ name, required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } })),
    ...(body !== null ? [ApiBody({ required: true, schema: schemaOf(body) })] : []),
    ApiResponse(successOf(policy)),
    ...(body !== null ? [ApiResponse({ status: 400, description: 'Invalid body or X-Consistency-Token: every bad field and why', schema: ref('ValidationFailed') })] : []),
    ApiResponse({ status: 401, description: 'Missing, malformed, unknown, revoked or expired key (one uniform answer)', schema: ref('InvalidApiKey') }),
    ApiResponse({ status: 403, description: `The key may see the resource but lacks \`${policy.permission}\`, or its IP allowlist refuses the caller`, schema: { oneOf: [ref('InsufficientPermissions'), ref('IpNotAllowed')] } }),
    ApiResponse({ status: 404, description: 'A page or org outside what the key can see', schema: ref('NotFound') }),
    ApiResponse({ status: 429, description: 'Rate limited; see Retry-After', headers: { 'Retry-After': { schema: { type: 'integer' } } }, schema: ref('TooManyRequests') }),
    ApiResponse({ status: 503, description: 'The view is not fresh enough for X-Consistency-Token (or not ready)', schema: ref('ViewNotFresh') }),
    ApiSecurity('bearer'),
    ApiSecurity('apiKey'),
    ApiSecurity('bareAuthorization'),
  );
}
