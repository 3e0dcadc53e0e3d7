import { randomUUID } from 'node:crypto';
import { accessEventSchema, memberAggregateId, type AccessEvent } from '@sp/contracts';

type Payload<T extends AccessEvent['type']> = Extract<AccessEvent, { type: T }>['payload'];

/** Builds a schema-valid access event (checked against the contract) for tests that publish directly. */
export function accessEvent<T extends AccessEvent['type']>(type: T, orgId: string, version: number, payload: Payload<T>): Extract<AccessEvent, { type: T }> {
  const p = payload as Record<string, unknown>;
  const aggregateId =
    type.startsWith('Key') ? (p.keyId as string)
    : type.startsWith('Member') ? memberAggregateId(orgId, p.userId as string)
    : type.startsWith('StatusPage') ? (p.pageId as string)
    : orgId;
  const event = {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    orgId,
    aggregateId,
    aggregateVersion: version,
    occurredAt: new Date().toISOString(),
    actor: { type: 'system', id: 'test' },
    payload,
  };
  return accessEventSchema.parse(event) as Extract<AccessEvent, { type: T }>;
}

export function keyCreatedPayload(keyId: string, keyHash: string, over: Partial<Payload<'KeyCreated'>> = {}): Payload<'KeyCreated'> {
  return {
    keyId, keyHash, type: 'org', userId: null, name: keyId, access: 'read', statusPageIds: null, expiresAt: null,
    allowedIps: null, prefix: 'sp_org_', last4: 'abcd', rolledFrom: null, ...over,
  };
}
