import { clientAddress, extractApiKey } from './extract-api-key';

describe('extractApiKey', () => {
  it('reads Bearer and X-API-Key', () => {
    expect(extractApiKey('Bearer sp_org_abc', undefined)).toBe('sp_org_abc');
    expect(extractApiKey('bearer  sp_org_abc ', undefined)).toBe('sp_org_abc');
    expect(extractApiKey(undefined, 'sp_usr_x')).toBe('sp_usr_x');
    expect(extractApiKey('Bearer k', 'k')).toBe('k');
  });
  it('rejects missing, other schemes, blank and conflicting keys', () => {
    expect(extractApiKey(undefined, undefined)).toBeNull();
    expect(extractApiKey('Basic abc', undefined)).toBeNull();
    expect(extractApiKey('Bearer ', undefined)).toBeNull();
    expect(extractApiKey('Bearer    ', undefined)).toBeNull();
    expect(extractApiKey(undefined, '  ')).toBeNull();
    expect(extractApiKey('Bearer a', 'b')).toBeNull();
  });
});

describe('clientAddress', () => {
  it('uses the socket unless a trusted proxy forwards', () => {
    expect(clientAddress('1.2.3.4', '127.0.0.1', false)).toBe('127.0.0.1');
    expect(clientAddress('1.2.3.4, 10.0.0.1', '127.0.0.1', true)).toBe('1.2.3.4');
    expect(clientAddress(undefined, '::1', true)).toBe('::1');
    expect(clientAddress(' , 10.0.0.1', '::1', true)).toBe('::1');
    expect(clientAddress(undefined, undefined, false)).toBeNull();
  });
});
