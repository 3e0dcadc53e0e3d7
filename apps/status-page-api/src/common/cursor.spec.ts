import { decodeCursor, encodeCursor } from './cursor';

describe('cursor', () => {
  const position = { createdAt: new Date('2025-03-04T05:06:07.089Z'), id: '65f0c0ffee0000000000abcd' };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is URL-safe (base64url, no padding)', () => {
    expect(encodeCursor(position)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['JSON but not an object', Buffer.from('42').toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
    ['missing id', Buffer.from(JSON.stringify({ t: 1 })).toString('base64url')],
    ['id not an ObjectId', Buffer.from(JSON.stringify({ t: 1, i: 'abc' })).toString('base64url')],
    ['uppercase ObjectId', Buffer.from(JSON.stringify({ t: 1, i: '65F0C0FFEE0000000000ABCD' })).toString('base64url')],
    ['time not a number', Buffer.from(JSON.stringify({ t: '1', i: '65f0c0ffee0000000000abcd' })).toString('base64url')],
    ['negative time', Buffer.from(JSON.stringify({ t: -1, i: '65f0c0ffee0000000000abcd' })).toString('base64url')],
    ['fractional time', Buffer.from(JSON.stringify({ t: 1.5, i: '65f0c0ffee0000000000abcd' })).toString('base64url')],
    ['too long', 'a'.repeat(201)],
  ])('rejects a cursor that is %s', (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
