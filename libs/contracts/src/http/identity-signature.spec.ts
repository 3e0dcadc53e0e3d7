import { createSecretKey } from 'node:crypto';
import { IDENTITY_HEADERS } from './identity-headers';
import { IDENTITY_SIGNATURE_MAX_AGE_MS, signedIdentityHeaders, verifySignedIdentity } from './identity-signature';

const SECRET = 'upstream-secret-0123456789abcdef0123';
const NOW = 1_800_000_000_000;
const identity = { orgId: 'org_1', keyId: 'key_1', principal: 'user:u1', permission: 'incident:read' };

describe('signed identity headers', () => {
  it('verify for the same method and path, whatever the query string', () => {
    const headers = signedIdentityHeaders(identity, 'GET', '/v1/status-pages/p1/incidents?limit=2', SECRET, NOW);
    expect(verifySignedIdentity(headers, 'GET', '/v1/status-pages/p1/incidents?limit=5', SECRET, NOW + 1000)).toEqual({ ok: true, identity });
    expect(verifySignedIdentity(signedIdentityHeaders({ orgId: 'o' }, 'get', '/x', SECRET, NOW), 'GET', '/x', SECRET, NOW)).toEqual({ ok: true, identity: { orgId: 'o' } });
  });

  it('are the same signed with the secret as a KeyObject (the gateway keeps it so)', () => {
    const url = '/v1/status-pages/p1/incidents';
    expect(signedIdentityHeaders(identity, 'GET', url, createSecretKey(SECRET, 'utf8'), NOW)).toEqual(signedIdentityHeaders(identity, 'GET', url, SECRET, NOW));
  });

  it('refuse a missing, unsigned, badly signed or expired identity', () => {
    const headers = signedIdentityHeaders(identity, 'GET', '/v1/orgs/org_1/invoices', SECRET, NOW);
    const check = (h: Record<string, string>, method = 'GET', path = '/v1/orgs/org_1/invoices', secret = SECRET, now = NOW) => verifySignedIdentity(h, method, path, secret, now);
    expect(check({})).toEqual({ ok: false, reason: 'missing' });
    expect(check({ [IDENTITY_HEADERS.orgId]: 'org_1' })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ ...headers, [IDENTITY_HEADERS.orgId]: 'org_2' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ ...headers, [IDENTITY_HEADERS.permission]: 'billing:read' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ ...headers, [IDENTITY_HEADERS.signature]: 'AAAA' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ ...headers, [IDENTITY_HEADERS.signedAt]: String(NOW + 1) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check(headers, 'DELETE')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check(headers, 'GET', '/v1/orgs/org_2/invoices')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check(headers, 'GET', undefined, 'another-secret-0123456789abcdef')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check(headers, 'GET', undefined, SECRET, NOW + IDENTITY_SIGNATURE_MAX_AGE_MS + 1)).toEqual({ ok: false, reason: 'expired' });
    expect(check(headers, 'GET', undefined, SECRET, NOW - 60_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
