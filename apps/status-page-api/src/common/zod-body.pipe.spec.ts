import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { ZodBodyPipe } from './zod-body.pipe';

describe('ZodBodyPipe', () => {
  const pipe = new ZodBodyPipe(z.strictObject({ title: z.string({ error: 'is required' }), nested: z.strictObject({ a: z.number() }).optional() }));

  const errorOf = (value: unknown) => {
    try {
      pipe.transform(value);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse();
    }
    throw new Error('expected a 400');
  };

  it('returns the parsed body', () => {
    expect(pipe.transform({ title: 't' })).toEqual({ title: 't' });
  });

  it('reports each unknown field under its own name', () => {
    expect(errorOf({ title: 't', foo: 1, bar: 2, nested: { a: 1, b: 2 } })).toEqual({
      error: 'validation_failed',
      message: 'nested.b: is not an allowed field; foo: is not an allowed field; bar: is not an allowed field',
      details: [
        { field: 'nested.b', reason: 'is not an allowed field' },
        { field: 'foo', reason: 'is not an allowed field' },
        { field: 'bar', reason: 'is not an allowed field' },
      ],
    });
  });

  it('treats a missing body as an empty object', () => {
    expect(errorOf(undefined)).toMatchObject({ details: [{ field: 'title', reason: 'is required' }] });
  });

  it('names the body itself when it is not an object', () => {
    expect(errorOf([1])).toMatchObject({ details: [{ field: '(body)' }] });
  });
});
