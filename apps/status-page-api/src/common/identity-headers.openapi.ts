import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IDENTITY_HEADERS } from '@sp/contracts';

/** Documents the identity headers the gateway sets and signs (see IdentityGuard). */
export function ApiIdentityHeaders(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: IDENTITY_HEADERS.orgId, required: true, description: 'Org of the caller, set by the gateway' }),
    ApiHeader({ name: IDENTITY_HEADERS.keyId, required: false, description: 'API key id, set by the gateway' }),
    ApiHeader({ name: IDENTITY_HEADERS.principal, required: false, description: '`org` or `user:<userId>`, set by the gateway' }),
    ApiHeader({ name: IDENTITY_HEADERS.permission, required: false, description: 'Permission the gateway checked, set by the gateway' }),
    ApiHeader({ name: IDENTITY_HEADERS.signedAt, required: true, description: 'When the gateway signed the identity (epoch ms); valid for 30 s' }),
    ApiHeader({
      name: IDENTITY_HEADERS.signature,
      required: true,
      description: 'HMAC-SHA256 (base64url) with GATEWAY_UPSTREAM_SECRET over the identity headers, method, path and signing time',
    }),
    ApiUnauthorizedResponse({ description: '{"error":"missing_identity"}: no identity signed by the gateway (absent, unsigned, badly signed or expired)' }),
  );
}
