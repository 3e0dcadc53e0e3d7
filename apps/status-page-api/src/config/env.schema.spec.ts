import { validateEnv } from '@sp/platform';
import { envSchema } from './env.schema';

describe('envSchema', () => {
  const validate = validateEnv(envSchema);
  const SECRET = { GATEWAY_UPSTREAM_SECRET: 'upstream-secret-0123456789abcdef0123' };

  it('needs only MONGODB_URI and the upstream secret, and defaults the rest', () => {
    expect(validate({ MONGODB_URI: 'mongodb://127.0.0.1:27017', ...SECRET })).toEqual({
      ...SECRET,
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
      STATUS_PAGE_API_DB: 'status_page_api',
      STATUS_PAGE_API_PORT: 3003,
      MONGODB_MAX_POOL_SIZE: 20,
      STATUS_PAGE_API_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
  });

  it('reads port, host, database and log level', () => {
    expect(
      validate({
        MONGODB_URI: 'mongodb://db:27017',
        STATUS_PAGE_API_DB: 'spapi_test',
        STATUS_PAGE_API_PORT: '3053',
        STATUS_PAGE_API_HOST: '0.0.0.0',
        LOG_LEVEL: 'debug',
        ...SECRET,
      }),
    ).toMatchObject({ STATUS_PAGE_API_DB: 'spapi_test', STATUS_PAGE_API_PORT: 3053, STATUS_PAGE_API_HOST: '0.0.0.0', LOG_LEVEL: 'debug' });
  });

  it.each([
    ['MONGODB_URI missing', {}, 'MONGODB_URI'],
    ['MONGODB_URI not mongodb', { MONGODB_URI: 'http://x' }, 'MONGODB_URI'],
    ['database name with a dot', { MONGODB_URI: 'mongodb://x', STATUS_PAGE_API_DB: 'a.b' }, 'STATUS_PAGE_API_DB'],
    ['port out of range', { MONGODB_URI: 'mongodb://x', STATUS_PAGE_API_PORT: '70000' }, 'STATUS_PAGE_API_PORT'],
    ['unknown log level', { MONGODB_URI: 'mongodb://x', LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['the upstream secret missing', { MONGODB_URI: 'mongodb://x' }, 'GATEWAY_UPSTREAM_SECRET'],
    ['the upstream secret short', { MONGODB_URI: 'mongodb://x', GATEWAY_UPSTREAM_SECRET: 'short' }, 'GATEWAY_UPSTREAM_SECRET'],
  ])('stops the start when %s, naming the variable', (_label, env, variable) => {
    expect(() => validate(env)).toThrow(new RegExp(`Invalid configuration:\\n  ${variable}: `));
  });
});
