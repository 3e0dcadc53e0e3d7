import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IDENTITY_HEADERS } from '@sp/contracts';

/** Documents the identity headers the gateway sets (see IdentityGuard). */
export function ApiIdentityHeaders(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: IDENTITY_HEADERS.orgId, required: true, description: 'Org of the caller, set by the gateway' }),
    ApiHeader({ name: IDENTITY_HEADERS.keyId, required: false, description: 'API key id, set by the gateway' }),
    ApiUnauthorizedResponse({ description: `{"error":"missing_identity"} without ${IDENTITY_HEADERS.orgId}` }),
  );
}
