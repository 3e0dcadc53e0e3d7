import { fieldErrorsOf } from '../testing/field-errors';
import { encodeCursor } from './cursor';
import { DEFAULT_LIST_LIMIT, listQuerySchema } from './list-query.request.dto';

describe('listQuerySchema', () => {
  it('defaults limit to 50 and has no cursor', () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: DEFAULT_LIST_LIMIT });
  });

  it('accepts limit 1..100 as a query string and ignores unknown keys', () => {
    expect(listQuerySchema.parse({ limit: '1', other: 'x' })).toEqual({ limit: 1 });
    expect(listQuerySchema.parse({ limit: '100' })).toEqual({ limit: 100 });
  });

  it.each(['0', '101', '-1', '1.5', 'abc', '', ['1', '2']])('rejects limit %p', (limit) => {
    expect(fieldErrorsOf(listQuerySchema, { limit })).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 100' }]);
  });

  it('decodes a cursor into a position', () => {
    const position = { createdAt: new Date(1_700_000_000_000), id: '65f0c0ffee0000000000abcd' };
    expect(listQuerySchema.parse({ cursor: encodeCursor(position) })).toEqual({ limit: DEFAULT_LIST_LIMIT, cursor: position });
  });

  it('rejects a cursor it did not make', () => {
    expect(fieldErrorsOf(listQuerySchema, { cursor: 'garbage' })).toEqual([{ field: 'cursor', reason: 'is not a valid cursor' }]);
  });

  it('rejects a repeated cursor', () => {
    expect(fieldErrorsOf(listQuerySchema, { cursor: ['a', 'b'] })).toEqual([{ field: 'cursor', reason: 'must be a single cursor string' }]);
  });
});
