import { isDuplicateKeyError } from './mongo-errors';

describe('isDuplicateKeyError', () => {
  it('recognises MongoDB E11000', () => {
    expect(isDuplicateKeyError(Object.assign(new Error('E11000 duplicate key error'), { code: 11000 }))).toBe(true);
  });

  it("recognises FerretDB 1.x's unique violation on update", () => {
    const error = Object.assign(new Error('[msg_update.go:133] constraint failed: UNIQUE constraint failed: index \'x\' (2067)'), {
      code: 1,
      codeName: 'InternalError',
    });
    expect(isDuplicateKeyError(error)).toBe(true);
  });

  it.each([
    ['another internal error', Object.assign(new Error('disk full'), { code: 1 })],
    ['another code', Object.assign(new Error('UNIQUE constraint failed'), { code: 2 })],
    ['a plain error', new Error('E11000')],
    ['not an error', 'E11000'],
    ['null', null],
  ])('ignores %s', (_label, error) => {
    expect(isDuplicateKeyError(error)).toBe(false);
  });
});
