import { BadRequestException } from '@nestjs/common';
import { ParseIdPipe } from './id.pipe';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();
  const as = (data: string) => ({ type: 'param' as const, data });

  it.each(['p1', 'page_1-A', '65f0c0ffee0000000000abcd', 'x'.repeat(128)])('accepts %p', (id) => {
    expect(pipe.transform(id, as('pageId'))).toBe(id);
  });

  it.each(['', 'a.b', 'a$b', 'a b', 'a/b', 'é', 'x'.repeat(129)])('rejects %p with a 400 naming the parameter', (id) => {
    let thrown: unknown;
    try {
      pipe.transform(id, as('pageId'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestException);
    const body = (thrown as BadRequestException).getResponse() as { error: string; details: { field: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.details.length).toBeGreaterThan(0);
    expect(body.details.every((d) => d.field === 'pageId')).toBe(true);
  });

  it('names the record id parameter too', () => {
    expect(() => pipe.transform('a.b', as('id'))).toThrow(BadRequestException);
    try {
      pipe.transform('a.b', as('id'));
    } catch (error) {
      expect((error as BadRequestException).getResponse()).toMatchObject({ message: 'id: must contain only letters, digits, "_" and "-"' });
    }
  });
});
