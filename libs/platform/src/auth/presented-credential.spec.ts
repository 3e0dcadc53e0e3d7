import fc from 'fast-check';
import { readPresentedCredential } from './presented-credential';

// Tokens as they appear on the wire: printable, no whitespace inside.
const token = fc.stringMatching(/^[!-~]{1,60}$/);
const notBearerWord = token.filter((t) => t.toLowerCase() !== 'bearer');
const spaces = fc.integer({ min: 1, max: 4 }).map((n) => ' '.repeat(n));
const padding = fc.constantFrom('', ' ', '  ', '\t', ' \t ');
const bearerWord = fc
  .array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const bearerHeader = fc
  .tuple(padding, bearerWord, spaces, token, padding)
  .map(([a, scheme, gap, t, b]) => ({ header: `${a}${scheme}${gap}${t}${b}`, token: t }));
const blank = fc.constantFrom(undefined, '', ' ', '\t', '   ');
const bare = fc.boolean();

describe('readPresentedCredential', () => {
  it('reads a bearer token whatever the scheme case, spacing and padding', () => {
    fc.assert(
      fc.property(bearerHeader, blank, bare, ({ header, token: t }, key, bareAuthorization) => {
        expect(readPresentedCredential(header, key, { bareAuthorization })).toEqual({ kind: 'token', token: t });
      }),
    );
  });

  it('reads X-API-Key, trimmed', () => {
    fc.assert(
      fc.property(token, padding, padding, blank, bare, (t, a, b, auth, bareAuthorization) => {
        expect(readPresentedCredential(auth, `${a}${t}${b}`, { bareAuthorization })).toEqual({ kind: 'token', token: t });
      }),
    );
  });

  it('counts the same value in both headers as one credential', () => {
    fc.assert(
      fc.property(bearerHeader, padding, bare, ({ header, token: t }, pad, bareAuthorization) => {
        expect(readPresentedCredential(header, `${pad}${t}`, { bareAuthorization })).toEqual({ kind: 'token', token: t });
      }),
    );
  });

  it('refuses two different credentials as a conflict', () => {
    fc.assert(
      fc.property(bearerHeader, token, bare, ({ header, token: t }, other, bareAuthorization) => {
        fc.pre(other !== t);
        expect(readPresentedCredential(header, other, { bareAuthorization })).toEqual({ kind: 'invalid', reason: 'conflict' });
      }),
    );
  });

  it('is none when neither header carries anything', () => {
    fc.assert(
      fc.property(blank, blank, bare, (auth, key, bareAuthorization) => {
        expect(readPresentedCredential(auth, key, { bareAuthorization })).toEqual({ kind: 'none' });
      }),
    );
  });

  it('refuses any other scheme as malformed, whatever else is sent', () => {
    const scheme = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((s) => s.toLowerCase() !== 'bearer');
    fc.assert(
      fc.property(scheme, spaces, token, fc.option(token, { nil: undefined }), bare, (s, gap, t, key, bareAuthorization) => {
        expect(readPresentedCredential(`${s}${gap}${t}`, key, { bareAuthorization })).toEqual({ kind: 'invalid', reason: 'malformed' });
      }),
    );
  });

  it('reads a bare Authorization token only when asked to', () => {
    fc.assert(
      fc.property(notBearerWord, padding, (t, pad) => {
        expect(readPresentedCredential(`${pad}${t}${pad}`, undefined, { bareAuthorization: true })).toEqual({ kind: 'token', token: t });
        expect(readPresentedCredential(t, undefined)).toEqual({ kind: 'invalid', reason: 'malformed' });
      }),
    );
  });

  it('never yields an empty token or one with whitespace inside, and never throws', () => {
    const header = fc.option(fc.string({ maxLength: 40 }), { nil: undefined });
    fc.assert(
      fc.property(header, header, bare, (auth, key, bareAuthorization) => {
        const result = readPresentedCredential(auth, key, { bareAuthorization });
        if (result.kind === 'token') {
          expect(result.token.length).toBeGreaterThan(0);
          expect(result.token).not.toMatch(/\s/);
          // The token is what one of the headers carried, never something made up.
          expect([key?.trim(), auth?.trim(), auth?.trim().replace(/^bearer +/i, '')]).toContain(result.token);
        }
      }),
    );
  });

  it('treats a missing token, inner whitespace and joined repeated headers as malformed', () => {
    for (const bareAuthorization of [false, true]) {
      const read = (a: string | undefined, k: string | undefined) => readPresentedCredential(a, k, { bareAuthorization });
      expect(read('Bearer', undefined)).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read('Bearer ', undefined)).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read('Bearer a b', undefined)).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read('Bearer\ta', undefined)).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read('Basic dXNlcjpwYXNz', 'k')).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read(undefined, 'k1, k2')).toEqual({ kind: 'invalid', reason: 'malformed' });
      expect(read('Bearer k', 'k1, k2')).toEqual({ kind: 'invalid', reason: 'malformed' });
    }
    expect(readPresentedCredential('sp_org_abc', undefined, { bareAuthorization: true })).toEqual({ kind: 'token', token: 'sp_org_abc' });
    expect(readPresentedCredential('sp_org_abc', 'sp_org_abd', { bareAuthorization: true })).toEqual({ kind: 'invalid', reason: 'conflict' });
  });
});
