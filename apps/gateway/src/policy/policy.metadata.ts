import { SetMetadata } from '@nestjs/common';
import type { Policy } from './policy.table';

/** Route metadata: the policy-table row a route serves (read by ApiKeyGuard). */
export const POLICY_METADATA = 'sp:policy';
export const PolicyOf = (policy: Policy) => SetMetadata(POLICY_METADATA, policy);

/** Path parameters must be well-formed ids; anything else is a route that does not exist (404). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
