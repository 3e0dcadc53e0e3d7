import fastify from 'fastify';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { Writable } from 'node:stream';
import { logAccess, pathOnly, pinoHttpOptions, REDACTED_PATHS } from './logger.module';

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

describe('logAccess (the access line of a Fastify app, written by a hook)', () => {
  const key = 'sp_org_secretsecretsecret';

  async function served(level: string, path: string, status: number): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = pinoHttp(pinoHttpOptions('test', level), sink).logger;
    const app = fastify();
    logAccess(app, () => logger);
    app.get('/*', (_req, reply) => reply.code(status).send({ ok: status < 400 }));
    await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key}`, 'x-api-key': key } });
    await app.close();
    expect(lines.join('')).not.toContain(key);
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('writes one line per request in pino-http shape, keys and query redacted, at the status level', async () => {
    const [line, ...more] = await served('info', '/v1/status-pages?api_key=x', 401);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/status-pages?[query redacted]', headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' } },
      res: { statusCode: 401 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect((line.req as { id?: unknown }).id).toBeDefined();
    expect((await served('info', '/v1/x', 503))[0]).toMatchObject({ level: 50 });
  });

  it('writes successes at debug only, and never probes or scrapes', async () => {
    expect(await served('info', '/v1/status-pages', 200)).toEqual([]);
    expect((await served('debug', '/v1/status-pages', 200))[0]).toMatchObject({ level: 20, res: { statusCode: 200 } });
    expect(await served('debug', '/health/ready', 503)).toEqual([]);
    expect(await served('debug', '/metrics', 200)).toEqual([]);
  });
});
