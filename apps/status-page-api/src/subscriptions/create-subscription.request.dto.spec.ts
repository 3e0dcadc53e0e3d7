import { fieldErrorsOf } from '../testing/field-errors';
import { createSubscriptionSchema, updateSubscriptionSchema } from './create-subscription.request.dto';

describe('createSubscriptionSchema', () => {
  it('trims and lower-cases the email', () => {
    expect(createSubscriptionSchema.parse({ email: '  Ops@Example.COM ' })).toEqual({ email: 'ops@example.com' });
  });

  it.each([
    ['email missing', {}, 'is required'],
    ['email not a string', { email: 42 }, 'must be a string'],
    ['email empty', { email: '' }, 'must be a valid email address'],
    ['email without @', { email: 'ops.example.com' }, 'must be a valid email address'],
    ['email without domain', { email: 'ops@' }, 'must be a valid email address'],
    ['email with spaces inside', { email: 'o ps@example.com' }, 'must be a valid email address'],
    ['email too long', { email: `${'a'.repeat(250)}@x.io` }, 'must be at most 254 characters'],
  ])('rejects %s', (_label, body, reason) => {
    expect(fieldErrorsOf(createSubscriptionSchema, body)).toEqual([{ field: 'email', reason }]);
  });

  it('rejects unknown fields by name', () => {
    expect(fieldErrorsOf(createSubscriptionSchema, { email: 'a@b.io', phone: '1' })).toEqual([
      { field: 'phone', reason: 'is not an allowed field' },
    ]);
  });
});

describe('updateSubscriptionSchema', () => {
  it('accepts an empty patch or a new email', () => {
    expect(updateSubscriptionSchema.parse({})).toEqual({});
    expect(updateSubscriptionSchema.parse({ email: 'B@c.io' })).toEqual({ email: 'b@c.io' });
  });

  it('rejects a bad email and a null one', () => {
    expect(fieldErrorsOf(updateSubscriptionSchema, { email: 'nope' })).toEqual([{ field: 'email', reason: 'must be a valid email address' }]);
    expect(fieldErrorsOf(updateSubscriptionSchema, { email: null })).toEqual([{ field: 'email', reason: 'must be a string' }]);
  });
});
