import { compileAllowlist, ipAllowed, parseCidr, parseClientIp } from './ip-allowlist';

describe('ipAllowed', () => {
  it.each([
    // IPv4 ranges
    [['10.0.0.0/8'], '10.0.0.1', true],
    [['10.0.0.0/8'], '10.255.255.255', true],
    [['10.0.0.0/8'], '11.0.0.0', false],
    [['192.168.1.0/24'], '192.168.1.77', true],
    [['192.168.1.0/24'], '192.168.2.1', false],
    [['0.0.0.0/0'], '203.0.113.9', true],
    // a bare IPv4 is /32
    [['203.0.113.9'], '203.0.113.9', true],
    [['203.0.113.9'], '203.0.113.10', false],
    // IPv6 ranges and a bare IPv6 (/128)
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['2001:db8::1'], '2001:db8::1', true],
    [['2001:db8::1'], '2001:db8::2', false],
    [['2001:db8::1'], '2001:DB8:0:0:0:0:0:1', true],
    [['::/0'], '::1', true],
    // IPv4-mapped IPv6 clients match IPv4 ranges, mapped ranges match IPv4 clients
    [['10.0.0.0/8'], '::ffff:10.0.0.1', true],
    [['10.0.0.0/8'], '::ffff:0a00:0001', true],
    [['10.0.0.0/8'], '::ffff:11.0.0.1', false],
    [['::ffff:10.0.0.0/104'], '10.1.2.3', true],
    [['::ffff:10.0.0.0/104'], '11.1.2.3', false],
    [['::ffff:10.0.0.1'], '10.0.0.1', true],
    // families do not cross otherwise
    [['::/0'], '10.0.0.1', false],
    [['0.0.0.0/0'], '2001:db8::1', false],
    // several entries: any one matches
    [['10.0.0.0/8', '2001:db8::/32'], '2001:db8::5', true],
    [['10.0.0.0/8', '2001:db8::/32'], '172.16.0.1', false],
  ] as const)('%j admits %s: %s', (list, clientIp, expected) => {
    expect(ipAllowed(list, clientIp)).toBe(expected);
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/-1',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    '10.0.0.0/0x8',
    ' 10.0.0.1',
    '10.1',
    '010.0.0.1',
    '167772161',
    '10.0.0.256',
    'fe80::1%eth0/64',
    '1::2::3/64',
    '',
    '/8',
    'localhost',
  ])('an invalid entry %j matches nothing (fail closed)', (entry) => {
    expect(parseCidr(entry)).toBeNull();
    expect(ipAllowed([entry], '10.0.0.1')).toBe(false);
    expect(ipAllowed([entry], 'fe80::1')).toBe(false);
  });

  it('an invalid entry does not disable the valid ones', () => {
    expect(ipAllowed(['nope', '10.0.0.0/8'], '10.0.0.1')).toBe(true);
  });

  it('denies a missing or invalid client address', () => {
    expect(ipAllowed(['0.0.0.0/0', '::/0'], null)).toBe(false);
    expect(ipAllowed(['0.0.0.0/0', '::/0'], '')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0', '::/0'], '10.1')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0', '::/0'], 'not-an-ip')).toBe(false);
  });

  it('an empty list admits nobody', () => {
    expect(ipAllowed([], '10.0.0.1')).toBe(false);
  });
});

describe('parsing', () => {
  it('turns mapped ranges into IPv4 ranges', () => {
    const cidr = parseCidr('::ffff:192.168.0.0/112');
    expect(cidr?.range.kind()).toBe('ipv4');
    expect(cidr?.bits).toBe(16);
    expect(cidr?.range.toString()).toBe('192.168.0.0');
  });
  it('normalises mapped client addresses to IPv4 and keeps zone ids of clients', () => {
    expect(parseClientIp('::ffff:127.0.0.1')?.toString()).toBe('127.0.0.1');
    expect(parseClientIp('fe80::1%eth0')?.kind()).toBe('ipv6');
    expect(ipAllowed(['fe80::/10'], 'fe80::1%eth0')).toBe(true);
  });
  it('compiles a list once per list object', () => {
    const list = ['10.0.0.0/8', 'bad'];
    expect(compileAllowlist(list)).toBe(compileAllowlist(list));
    expect(compileAllowlist(list)).toHaveLength(1);
  });
});
