import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { IDENTITY_HEADERS, IDENTITY_SIGNATURE_MAX_AGE_MS, signedIdentityHeaders } from '@sp/contracts';
import type { Env } from '../config/env.schema';
import { IdentityGuard, readIdentity } from './identity.guard';

const SECRET = 'upstream-secret-0123456789abcdef0123';
const PATH = '/v1/status-pages/p1/incidents';
const request = (headers: Record<string, string>, method = 'GET', originalUrl = PATH) => ({ headers, method, originalUrl });
const signed = (identity: { orgId: string; keyId?: string; principal?: string; permission?: string }, now = Date.now()) =>
  signedIdentityHeaders(identity, 'GET', PATH, SECRET, now);

describe('readIdentity', () => {
  it('reads the identity headers the gateway signed', () => {
    const identity = { orgId: 'org_1', keyId: 'key_1', principal: 'user:u1', permission: 'incident:read' };
    expect(readIdentity(request(signed(identity)), SECRET)).toEqual(identity);
  });

  it('needs only the org id', () => {
    expect(readIdentity(request(signed({ orgId: 'org_1' })), SECRET)).toEqual({ orgId: 'org_1' });
  });

  it.each([
    ['absent', {}],
    ['empty', { 'x-sp-org-id': '' }],
    ['unsigned', { 'x-sp-org-id': 'org_1' }],
    ['ill-formed (even if signed)', signed({ orgId: 'org.1' })],
    ['repeated (joined by node)', { ...signed({ orgId: 'a' }), 'x-sp-org-id': 'a, b' }],
    ['signed for another org', { ...signed({ orgId: 'org_1' }), 'x-sp-org-id': 'org_2' }],
    ['badly signed', { ...signed({ orgId: 'org_1' }), [IDENTITY_HEADERS.signature]: 'bm90IGEgc2lnbmF0dXJl' }],
    ['signed with another secret', signedIdentityHeaders({ orgId: 'org_1' }, 'GET', PATH, 'another-secret-0123456789abcdef')],
    ['expired', signed({ orgId: 'org_1' }, Date.now() - IDENTITY_SIGNATURE_MAX_AGE_MS - 1000)],
  ])('refuses an identity that is %s', (_label, headers) => {
    expect(readIdentity(request(headers as Record<string, string>), SECRET)).toBeNull();
  });

  it('refuses a signature made for another method or path', () => {
    expect(readIdentity(request(signed({ orgId: 'org_1' }), 'DELETE'), SECRET)).toBeNull();
    expect(readIdentity(request(signed({ orgId: 'org_1' }), 'GET', '/v1/orgs/org_1/invoices'), SECRET)).toBeNull();
  });
});

describe('IdentityGuard', () => {
  const config = { get: () => SECRET } as unknown as ConfigService<Env, true>;
  const contextFor = (headers: Record<string, string>) => {
    const req: { headers: Record<string, string>; method: string; originalUrl: string; identity?: unknown } = { headers, method: 'GET', originalUrl: PATH };
    const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
    return { req, context };
  };

  it('lets a request with a signed identity through and records it', () => {
    const { req, context } = contextFor(signed({ orgId: 'org_1' }));
    expect(new IdentityGuard(config).canActivate(context)).toBe(true);
    expect(req.identity).toEqual({ orgId: 'org_1' });
  });

  it.each([
    ['no identity', {}],
    ['an unsigned identity', { 'x-sp-org-id': 'org_1' }],
    ['a badly signed identity', { ...signed({ orgId: 'org_1' }), [IDENTITY_HEADERS.signature]: 'AAAA' }],
    ['an expired identity', signed({ orgId: 'org_1' }, Date.now() - IDENTITY_SIGNATURE_MAX_AGE_MS - 1)],
  ])('refuses %s: 401 missing_identity', (_label, headers) => {
    const { context } = contextFor(headers as Record<string, string>);
    let thrown: unknown;
    try {
      new IdentityGuard(config).canActivate(context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnauthorizedException);
    expect((thrown as UnauthorizedException).getResponse()).toEqual({ error: 'missing_identity' });
  });
});
