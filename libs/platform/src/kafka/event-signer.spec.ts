import fc from 'fast-check';
import { EventSigner, eventSigningKeysSchema } from './event-signer';

const A = 'a-secret-of-thirty-two-characters-or-more';
const B = 'b-secret-of-thirty-two-characters-or-more';

describe('EventSigner', () => {
  const signer = new EventSigner({ a: A });

  it('verifies what it signs, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const value = Buffer.from(bytes);
        expect(signer.verify(value, signer.sign(value))).toBeNull();
        expect(signer.verify(value, Buffer.from(signer.sign(value)))).toBeNull();
      }),
    );
  });

  it('refuses any change of the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), (bytes, at) => {
        const value = Buffer.from(bytes);
        const header = signer.sign(value);
        const changed = Buffer.from(value);
        changed[at % changed.length] ^= 1;
        expect(signer.verify(changed, header)).toBe('signature: does not match');
      }),
    );
  });

  it('names what is wrong with a header', () => {
    const value = Buffer.from('{}');
    expect(signer.verify(value, undefined)).toMatch(/^signature: missing/);
    expect(signer.verify(value, [signer.sign(value), signer.sign(value)])).toMatch(/repeated/);
    expect(signer.verify(value, 'nodot')).toBe('signature: malformed header');
    expect(signer.verify(value, `b.${signer.sign(value).split('.')[1]}`)).toBe('signature: unknown key id "b"');
    expect(new EventSigner({ a: B }).verify(value, signer.sign(value))).toBe('signature: does not match');
  });

  it('rotates: consumers holding both keys accept either signer', () => {
    const value = Buffer.from('{"x":1}');
    const both = new EventSigner({ a: A, b: B });
    expect(both.verify(value, new EventSigner({ a: A }).sign(value))).toBeNull();
    expect(both.verify(value, new EventSigner({ a: A, b: B }, 'b').sign(value))).toBeNull();
  });

  it('needs a key id to sign once several keys are configured', () => {
    expect(() => new EventSigner({ a: A, b: B }).sign(Buffer.from('x'))).toThrow(/EVENT_SIGNING_KEY_ID: is required/);
    expect(() => new EventSigner({ a: A }, 'c')).toThrow(/EVENT_SIGNING_KEY_ID: "c" is not one of EVENT_SIGNING_KEYS \(a\)/);
  });

  it('validates EVENT_SIGNING_KEYS', () => {
    expect(eventSigningKeysSchema.parse(JSON.stringify({ a: A }))).toEqual({ a: A });
    expect(eventSigningKeysSchema.safeParse('not json').success).toBe(false);
    expect(eventSigningKeysSchema.safeParse('{}').success).toBe(false);
    expect(eventSigningKeysSchema.safeParse(JSON.stringify({ a: 'short' })).success).toBe(false);
    expect(eventSigningKeysSchema.safeParse(JSON.stringify({ 'a b': A })).success).toBe(false);
  });
});
