import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import fc from 'fast-check';
import { StaticTokenGuard } from './static-token.guard';

const TOKEN = 'dev-admin-token-0123456789';
const Guard = StaticTokenGuard({ configKey: 'ADMIN_TOKEN', message: 'a valid admin bearer token is required', principal: { type: 'admin', id: 'admin-token' } });
const guard = new Guard(new ConfigService({ ADMIN_TOKEN: TOKEN }));

function context(headers: Record<string, string | undefined>): { ctx: ExecutionContext; req: { headers: typeof headers; user?: unknown } } {
  const req: { headers: typeof headers; user?: unknown } = { headers };
  const ctx = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return { ctx, req };
}

function refusal(headers: Record<string, string | undefined>): unknown {
  try {
    guard.canActivate(context(headers).ctx);
  } catch (e) {
    return e instanceof UnauthorizedException ? e.getResponse() : e;
  }
  return 'allowed';
}

describe('StaticTokenGuard', () => {
  it('lets the configured bearer token through and sets a fresh principal per request', () => {
    const a = context({ authorization: `Bearer ${TOKEN}` });
    const b = context({ authorization: `bearer   ${TOKEN} ` });
    expect(guard.canActivate(a.ctx)).toBe(true);
    expect(guard.canActivate(b.ctx)).toBe(true);
    expect(a.req.user).toEqual({ type: 'admin', id: 'admin-token' });
    expect(a.req.user).not.toBe(b.req.user);
  });

  it('answers 401 with the configured body for anything else', () => {
    const body = { error: 'unauthorized', message: 'a valid admin bearer token is required' };
    expect(refusal({})).toEqual(body);
    expect(refusal({ authorization: TOKEN })).toEqual(body);
    expect(refusal({ authorization: `Basic ${TOKEN}` })).toEqual(body);
    expect(refusal({ 'x-api-key': TOKEN })).toEqual(body);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (other) => {
        fc.pre(other.trim() !== TOKEN);
        expect(refusal({ authorization: `Bearer ${other}` })).toEqual(body);
      }),
    );
  });

  it('refuses to start without a token', () => {
    expect(() => new Guard(new ConfigService({}))).toThrow('ADMIN_TOKEN is not set');
    expect(() => new Guard(new ConfigService({ ADMIN_TOKEN: '' }))).toThrow('ADMIN_TOKEN is not set');
  });
});

describe('StaticTokenGuard failures per address', () => {
  const limited = StaticTokenGuard({ configKey: 'LIMITED_TOKEN', message: 'nope' });
  const g = new limited(new ConfigService({ LIMITED_TOKEN: TOKEN, STATIC_TOKEN_MAX_FAILURES_PER_MINUTE: '3' }));
  const attempt = (ip: string, token: string) => {
    const headers: Record<string, string> = {};
    const req = { headers: { authorization: `Bearer ${token}` }, ip };
    const ctx = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ setHeader: (n: string, v: string) => (headers[n] = v) }) }) } as unknown as ExecutionContext;
    try {
      g.canActivate(ctx);
      return { status: 200, headers };
    } catch (e) {
      return { status: (e as { getStatus(): number }).getStatus(), headers };
    }
  };

  it('answers 429 with Retry-After after N failures in a minute from one address, even with the right token; other addresses go on', () => {
    for (let i = 0; i < 3; i++) expect(attempt('10.0.0.1', 'wrong').status).toBe(401);
    const blocked = attempt('10.0.0.1', TOKEN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['Retry-After'])).toBeGreaterThan(0);
    expect(attempt('10.0.0.2', TOKEN).status).toBe(200);
  });
});
