import { randomUUID } from 'node:crypto';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, memberAggregateId, type AccessEvent } from '@sp/contracts';
import { DEVELOPMENT_SECRETS, EventSigner, eventSigningKeysSchema } from '@sp/platform';

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

/** The signer of the keys the services under test accept (EVENT_SIGNING_KEYS, set by npm test). */
export function testEventSigner(): EventSigner {
  return new EventSigner(eventSigningKeysSchema.parse(process.env.EVENT_SIGNING_KEYS ?? DEVELOPMENT_SECRETS.EVENT_SIGNING_KEYS));
}

/** A Kafka message whose value (an event, or any text for malformed cases) is signed as key-service signs. */
export function signedMessage(key: string, value: AccessEvent | string, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return { key, value: bytes, headers: { ...headers, [EVENT_SIGNATURE_HEADER]: testEventSigner().sign(bytes) } };
}
