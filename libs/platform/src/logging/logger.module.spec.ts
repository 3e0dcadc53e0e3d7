import pino from 'pino';
import { Writable } from 'node:stream';
import { pathOnly, REDACTED_PATHS } from './logger.module';

describe('log redaction', () => {
  it('never writes keys or tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const key = 'sp_org_secretsecretsecret';
    log.info({ req: { headers: { authorization: `Bearer ${key}`, 'x-api-key': key } } }, 'request');
    log.info({ apiKey: key, body: { apiKey: key }, created: { key } }, 'created');
    const out = lines.join('');
    expect(out).not.toContain(key);
    expect(out).toContain('[redacted]');
  });

  it('drops query strings from logged URLs', () => {
    expect(pathOnly('/v1/status-pages?api_key=sp_org_x')).toBe('/v1/status-pages?[query redacted]');
    expect(pathOnly('/v1/x')).toBe('/v1/x');
    expect(pathOnly(undefined)).toBe('');
  });
});
