import {
  createOrgApiKeyRequestSchema,
  createUserApiKeyRequestSchema,
  normaliseCidr,
  rollApiKeyRequestSchema,
} from './create-api-key.request.dto';

const fields = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('create api key request', () => {
  it('defaults org keys to read and user keys to read_write', () => {
    expect(createOrgApiKeyRequestSchema.parse({ name: 'ci' }).access).toBe('read');
    expect(createUserApiKeyRequestSchema.parse({ name: 'me' }).access).toBe('read_write');
  });

  it('names the field and the reason for each bad input', () => {
    expect(fields(createOrgApiKeyRequestSchema.safeParse({}))).toEqual(['name: is required and must be a string']);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: ' ' }))).toEqual(['name: must not be empty']);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', access: 'admin' }))).toEqual([
      'access: must be one of read, read_write',
    ]);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', statusPageIds: 'p1' }))).toEqual([
      'statusPageIds: must be an array of status page ids',
    ]);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', statusPageIds: [] }))[0]).toMatch(/^statusPageIds: must name/);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', expiresAt: 'tomorrow' }))[0]).toMatch(/^expiresAt: must be an ISO/);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', expiresAt: '2001-01-01T00:00:00Z' }))).toEqual([
      'expiresAt: must be in the future',
    ]);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', allowedIps: ['10.0.0.0/33'] }))[0]).toMatch(
      /^allowedIps.0: "10.0.0.0\/33" is not a valid/,
    );
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', allowedIps: ['2001:db8::/129'] }))[0]).toMatch(/^allowedIps.0/);
    expect(fields(createOrgApiKeyRequestSchema.safeParse({ name: 'x', other: 1 }))[0]).toMatch(/other/);
  });

  it('normalises addresses and CIDRs of both families', () => {
    const parsed = createOrgApiKeyRequestSchema.parse({ name: 'x', allowedIps: ['10.0.0.0/8', '203.0.113.7', '2001:db8::/32', '::1'] });
    expect(parsed.allowedIps).toEqual(['10.0.0.0/8', '203.0.113.7/32', '2001:db8::/32', '::1/128']);
    expect(normaliseCidr('not-an-ip')).toBeNull();
    expect(normaliseCidr('300.1.1.1')).toBeNull();
  });

  it('accepts a future expiry and dedupes pages', () => {
    const parsed = createOrgApiKeyRequestSchema.parse({ name: 'x', expiresAt: '2999-01-01T00:00:00+02:00', statusPageIds: ['a', 'a', 'b'] });
    expect(parsed.expiresAt).toBe('2998-12-31T22:00:00.000Z');
    expect(parsed.statusPageIds).toEqual(['a', 'b']);
  });

  it('validates roll grace periods', () => {
    expect(rollApiKeyRequestSchema.parse({}).gracePeriodSeconds).toBe(3600);
    expect(fields(rollApiKeyRequestSchema.safeParse({ gracePeriodSeconds: -1 }))).toEqual(['gracePeriodSeconds: must be >= 0']);
    expect(fields(rollApiKeyRequestSchema.safeParse({ gracePeriodSeconds: '60' }))).toEqual(['gracePeriodSeconds: must be a number of seconds']);
  });
});
