import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { IdentityGuard, readIdentity } from './identity.guard';

describe('readIdentity', () => {
  it('reads the identity headers the gateway sets', () => {
    expect(
      readIdentity({ 'x-sp-org-id': 'org_1', 'x-sp-key-id': 'key_1', 'x-sp-principal': 'user:u1', 'x-sp-permission': 'incident:read' }),
    ).toEqual({ orgId: 'org_1', keyId: 'key_1', principal: 'user:u1', permission: 'incident:read' });
  });

  it('needs only the org id', () => {
    expect(readIdentity({ 'x-sp-org-id': 'org_1' })).toEqual({ orgId: 'org_1' });
  });

  it.each([
    ['absent', {}],
    ['empty', { 'x-sp-org-id': '' }],
    ['ill-formed', { 'x-sp-org-id': 'org.1' }],
    ['repeated (joined by node)', { 'x-sp-org-id': 'a, b' }],
  ])('refuses an org id that is %s', (_label, headers) => {
    expect(readIdentity(headers)).toBeNull();
  });
});

describe('IdentityGuard', () => {
  const contextFor = (headers: Record<string, string>) => {
    const req: { headers: Record<string, string>; identity?: unknown } = { headers };
    const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
    return { req, context };
  };

  it('lets a request with an org id through and records the identity', () => {
    const { req, context } = contextFor({ 'x-sp-org-id': 'org_1' });
    expect(new IdentityGuard().canActivate(context)).toBe(true);
    expect(req.identity).toEqual({ orgId: 'org_1' });
  });

  it('refuses a request without one: 401 missing_identity', () => {
    const { context } = contextFor({});
    expect(() => new IdentityGuard().canActivate(context)).toThrow(UnauthorizedException);
    try {
      new IdentityGuard().canActivate(context);
    } catch (error) {
      expect((error as UnauthorizedException).getResponse()).toEqual({ error: 'missing_identity' });
    }
  });
});
