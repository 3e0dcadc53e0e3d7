import { clientAddress, extractApiKey } from './extract-api-key';

describe('extractApiKey', () => {
  it('reads Bearer and X-API-Key', () => {
    expect(extractApiKey({ authorization: 'Bearer sp_org_abc' })).toBe('sp_org_abc');
    expect(extractApiKey({ authorization: 'bearer  sp_org_abc ' })).toBe('sp_org_abc');
    expect(extractApiKey({ 'x-api-key': 'sp_usr_x' })).toBe('sp_usr_x');
    expect(extractApiKey({ authorization: 'Bearer k', 'x-api-key': 'k' })).toBe('k');
  });
  it('rejects missing, other schemes and conflicting keys', () => {
    expect(extractApiKey({})).toBeNull();
    expect(extractApiKey({ authorization: 'Basic abc' })).toBeNull();
    expect(extractApiKey({ authorization: 'Bearer ' })).toBeNull();
    expect(extractApiKey({ authorization: 'Bearer a', 'x-api-key': 'b' })).toBeNull();
  });
});

describe('clientAddress', () => {
  it('uses the socket unless a trusted proxy forwards', () => {
    expect(clientAddress({ 'x-forwarded-for': '1.2.3.4' }, '127.0.0.1', false)).toBe('127.0.0.1');
    expect(clientAddress({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' }, '127.0.0.1', true)).toBe('1.2.3.4');
    expect(clientAddress({}, '::1', true)).toBe('::1');
    expect(clientAddress({}, undefined, false)).toBeNull();
  });
});
