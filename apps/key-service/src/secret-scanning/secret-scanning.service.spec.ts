import { ConfigService } from '@nestjs/config';
import { generateKeyPairSync, sign } from 'node:crypto';
import { secretScanningKeysSchema } from './trusted-keys';
import { SecretScanningService } from './secret-scanning.service';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;

function service(keys: string) {
  const config = new ConfigService({ SECRET_SCANNING_PUBLIC_KEYS: secretScanningKeysSchema.parse(keys), API_KEY_PEPPER: 'p' });
  return new SecretScanningService({} as never, {} as never, config as never);
}

describe('secret-scanning signatures', () => {
  const body = Buffer.from('[{"token":"x","type":"t"}]');
  const signature = sign('sha256', body, privateKey).toString('base64');

  it('accepts an ECDSA P-256 / SHA-256 DER signature of the exact body by a trusted key', () => {
    expect(service(JSON.stringify({ k1: pem })).verifySignature(body, 'k1', signature)).toBe(true);
  });

  it('refuses other bytes, another key id, junk, and everything when no key is configured', () => {
    const s = service(JSON.stringify({ k1: pem }));
    expect(s.verifySignature(Buffer.from('[]'), 'k1', signature)).toBe(false);
    expect(s.verifySignature(body, 'k2', signature)).toBe(false);
    expect(s.verifySignature(body, 'k1', 'AAAA')).toBe(false);
    expect(s.verifySignature(body, undefined, signature)).toBe(false);
    expect(service('{}').verifySignature(body, 'k1', signature)).toBe(false);
  });

  it('fails the start on a key that is not a P-256 public key PEM', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(secretScanningKeysSchema.safeParse(JSON.stringify({ k: rsa })).success).toBe(false);
    expect(secretScanningKeysSchema.safeParse(JSON.stringify({ k: 'nope' })).success).toBe(false);
    expect(secretScanningKeysSchema.safeParse('[1]').success).toBe(false);
    expect(secretScanningKeysSchema.safeParse('not json').success).toBe(false);
    expect(secretScanningKeysSchema.parse(undefined).size).toBe(0);
  });
});
