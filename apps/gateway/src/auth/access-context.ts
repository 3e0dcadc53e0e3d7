import type { Permission } from '@sp/contracts';
import type { KeyRecord, MemberRecord } from '@sp/permissions';
import type { Policy } from '../policy/policy.table';

/**
 * What ApiKeyGuard decided about one request, made fresh for it and hung on that request only:
 * the controller answers from it, the usage hook records it. Never shared between requests.
 */
export interface AccessContext {
  policy: Policy;
  key: KeyRecord;
  member: MemberRecord | null;
  clientIp: string;
  permission: Permission;
  decision: 'allow' | 'deny';
  /** `allowed`, or why it was denied (a DenyReason, `rate_limited`). */
  reason: string;
  /** When the decision was made (epoch ms). */
  at: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ApiKeyGuard once the key is known (null before, and on routes outside the policy table). */
    access: AccessContext | null;
  }
}
