import { randomUUID } from 'node:crypto';
import { decodeConsistencyToken, encodeConsistencyToken } from '../consistency/consistency-token';
import { accessEventSchema } from './access-event';
import { keyUsedEventSchema } from '../usage/key-used.event';

const envelope = (type: string, aggregateId: string, payload: unknown) => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  orgId: 'acme',
  aggregateId,
  aggregateVersion: 1,
  occurredAt: new Date().toISOString(),
  actor: { type: 'admin', id: 'admin-token' },
  payload,
});

const keyCreated = (over: Record<string, unknown> = {}) =>
  envelope('KeyCreated', 'key_1', {
    keyId: 'key_1',
    keyHash: 'a'.repeat(64),
    type: 'org',
    userId: null,
    name: 'ci',
    access: 'read',
    statusPageIds: null,
    expiresAt: null,
    allowedIps: null,
    prefix: 'sp_org_',
    last4: 'abcd',
    rolledFrom: null,
    ...over,
  });

describe('access event contracts', () => {
  it('key permissions: optional (events already in the topic parse), a non-empty list of key permissions when given', () => {
    expect(accessEventSchema.safeParse(keyCreated()).success).toBe(true);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: null })).success).toBe(true);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: ['incident:read', 'incident:write'] })).success).toBe(true);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: [] })).success).toBe(false);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: ['api_key:manage'] })).success).toBe(false);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: ['member:write'] })).success).toBe(false);
    expect(accessEventSchema.safeParse(keyCreated({ permissions: ['nope:read'] })).success).toBe(false);
  });

  it('KeyRevoked with or without a reason, KeyNarrowed, and a person as actor', () => {
    expect(accessEventSchema.safeParse(envelope('KeyRevoked', 'key_1', { keyId: 'key_1' })).success).toBe(true);
    const leaked = envelope('KeyRevoked', 'key_1', { keyId: 'key_1', reason: 'leaked', report: { url: 'https://x', source: 'content' } });
    expect(accessEventSchema.safeParse({ ...leaked, actor: { type: 'system', id: 'secret-scanning' } }).success).toBe(true);
    expect(accessEventSchema.safeParse(envelope('KeyRevoked', 'key_1', { keyId: 'key_1', reason: 'bored' })).success).toBe(false);
    expect(accessEventSchema.safeParse(envelope('KeyNarrowed', 'key_1', { keyId: 'key_1', statusPageIds: [] })).success).toBe(true);
    expect(accessEventSchema.safeParse({ ...keyCreated(), actor: { type: 'user', id: 'u1' } }).success).toBe(true);
  });

  it('accepts every event type', () => {
    const events = [
      envelope('OrgUpserted', 'acme', { name: 'Acme' }),
      envelope('StatusPageUpserted', 'p1', { pageId: 'p1', name: 'Main' }),
      envelope('StatusPageRemoved', 'p1', { pageId: 'p1' }),
      envelope('MemberUpserted', 'acme/u1', { userId: 'u1', role: 'viewer', pageRoles: [{ pageId: 'p1', role: 'editor' }] }),
      envelope('MemberRemoved', 'acme/u1', { userId: 'u1' }),
      keyCreated(),
      keyCreated({ type: 'user', userId: 'u1' }),
      envelope('KeyRevoked', 'key_1', { keyId: 'key_1' }),
      envelope('KeyRolled', 'key_1', { keyId: 'key_1', replacedBy: 'key_2', graceEndsAt: new Date().toISOString() }),
    ];
    for (const e of events) expect(accessEventSchema.safeParse(e).error).toBeUndefined();
  });

  it.each([
    ['an unknown type', envelope('KeyDeleted', 'key_1', { keyId: 'key_1' })],
    ['a missing envelope field', { ...keyCreated(), id: undefined }],
    ['a non-uuid id', { ...keyCreated(), id: 'x' }],
    ['version 0', { ...keyCreated(), aggregateVersion: 0 }],
    ['a future schema version', { ...keyCreated(), schemaVersion: 2 }],
    ['a plaintext key instead of a hash', keyCreated({ keyHash: 'sp_org_secret' })],
    ['a user key without user', keyCreated({ type: 'user', userId: null })],
    ['an org key with a user', keyCreated({ userId: 'u1' })],
    ['an unknown access', keyCreated({ access: 'admin' })],
    ['billing as a page role', envelope('MemberUpserted', 'acme/u1', { userId: 'u1', role: null, pageRoles: [{ pageId: 'p1', role: 'billing' }] })],
    ['a page twice', envelope('MemberUpserted', 'acme/u1', { userId: 'u1', role: null, pageRoles: [{ pageId: 'p1', role: 'viewer' }, { pageId: 'p1', role: 'owner' }] })],
    ['an id with a dot', envelope('StatusPageUpserted', 'p.1', { pageId: 'p.1', name: 'x' })],
  ])('rejects %s', (_name, event) => {
    expect(accessEventSchema.safeParse(event).success).toBe(false);
  });

  it('validates key-usage events', () => {
    const usage = {
      id: randomUUID(), type: 'KeyUsed', schemaVersion: 1, orgId: 'acme', keyId: 'key_1', occurredAt: new Date().toISOString(),
      decision: 'deny', reason: 'not_found', permission: 'incident:read', method: 'GET', route: '/v1/status-pages/:pageId', status: 404, clientIp: '::1',
    };
    expect(keyUsedEventSchema.safeParse(usage).success).toBe(true);
    expect(keyUsedEventSchema.safeParse({ ...usage, decision: 'maybe' }).success).toBe(false);
    expect(keyUsedEventSchema.safeParse({ ...usage, status: 99 }).success).toBe(false);
  });
});

describe('consistency token', () => {
  it('round-trips and rejects garbage', () => {
    const token = { orgId: 'acme', aggregateId: 'key_1', aggregateVersion: 3 };
    expect(decodeConsistencyToken(encodeConsistencyToken(token))).toEqual(token);
    for (const bad of ['', 'not-base64!', Buffer.from('{"o":"a"}').toString('base64url'), 'x'.repeat(700),
      Buffer.from('{"o":"a","a":"b","v":0}').toString('base64url')]) {
      expect(decodeConsistencyToken(bad)).toBeNull();
    }
  });
});
