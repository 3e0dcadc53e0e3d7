import { BadRequestException, InternalServerErrorException } from '@nestjs/common';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

class Body extends createZodDto(z.strictObject({ title: z.string({ error: 'is required' }), nested: z.strictObject({ a: z.number() }).optional() })) {}

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe();
  const body = { type: 'body' as const, metatype: Body };

  const errorOf = (value: unknown) => {
    try {
      pipe.transform(value, body);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse();
    }
    throw new Error('expected a 400');
  };

  it('returns the parsed value', () => {
    expect(pipe.transform({ title: 't' }, body)).toEqual({ title: 't' });
  });

  it('reports each unknown field under its own name, with the one 400 shape', () => {
    expect(errorOf({ title: 't', foo: 1, nested: { a: 1, b: 2 } })).toEqual({
      error: 'validation_failed',
      message: 'nested.b: is not an allowed field; foo: is not an allowed field',
      details: [
        { field: 'nested.b', reason: 'is not an allowed field' },
        { field: 'foo', reason: 'is not an allowed field' },
      ],
    });
  });

  it('treats a missing body as an empty object and names the body when it is not an object', () => {
    expect(errorOf(undefined)).toMatchObject({ details: [{ field: 'title', reason: 'is required' }] });
    expect(errorOf([1])).toMatchObject({ details: [{ field: '(body)' }] });
  });

  it('refuses request data without a zod DTO, and lets custom decorators through', () => {
    expect(() => pipe.transform('x', { type: 'param', metatype: String, data: 'id' })).toThrow(InternalServerErrorException);
    const actor = { type: 'admin' };
    expect(pipe.transform(actor, { type: 'custom', metatype: Object })).toBe(actor);
  });
});
