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
