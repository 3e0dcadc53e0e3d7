import { fieldErrorsOf } from '../testing/field-errors';
import { createServiceSchema, SERVICE_STATUSES, updateServiceSchema } from './create-service.request.dto';

const STATUS_REASON = `must be one of: ${SERVICE_STATUSES.join(', ')}`;

describe('createServiceSchema', () => {
  it('defaults status to operational', () => {
    expect(createServiceSchema.parse({ name: ' API ' })).toEqual({ name: 'API', status: 'operational' });
  });

  it.each(SERVICE_STATUSES)('accepts status %s', (status) => {
    expect(createServiceSchema.parse({ name: 'API', status })).toEqual({ name: 'API', status });
  });

  it.each([
    ['name missing', {}, 'name', 'is required'],
    ['name not a string', { name: ['API'] }, 'name', 'must be a string'],
    ['name empty', { name: ' ' }, 'name', 'must not be empty'],
    ['name too long', { name: 'n'.repeat(201) }, 'name', 'must be at most 200 characters'],
    ['status unknown', { name: 'API', status: 'down' }, 'status', STATUS_REASON],
    ['status null', { name: 'API', status: null }, 'status', STATUS_REASON],
    ['unknown field', { name: 'API', url: 'https://x' }, 'url', 'is not an allowed field'],
  ])('rejects %s', (_label, body, field, reason) => {
    expect(fieldErrorsOf(createServiceSchema, body)).toEqual([{ field, reason }]);
  });
});

describe('updateServiceSchema', () => {
  it('accepts a subset and does not default the status', () => {
    expect(updateServiceSchema.parse({})).toEqual({});
    expect(updateServiceSchema.parse({ name: 'Web' })).toEqual({ name: 'Web' });
    expect(updateServiceSchema.parse({ status: 'major_outage' })).toEqual({ status: 'major_outage' });
  });

  it.each([
    ['name empty', { name: '' }, 'name', 'must not be empty'],
    ['name null', { name: null }, 'name', 'must be a string'],
    ['status unknown', { status: 'down' }, 'status', STATUS_REASON],
    ['unknown field', { orgId: 'other' }, 'orgId', 'is not an allowed field'],
  ])('rejects %s', (_label, body, field, reason) => {
    expect(fieldErrorsOf(updateServiceSchema, body)).toEqual([{ field, reason }]);
  });
});
