import { createMaintenanceSchema, updateMaintenanceSchema } from '../maintenances/create-maintenance.request.dto';
import { fieldErrorsOf } from '../testing/field-errors';
import { createIncidentSchema, INCIDENT_STATUSES, updateIncidentSchema } from './create-incident.request.dto';

const STATUS_REASON = `must be one of: ${INCIDENT_STATUSES.join(', ')}`;

describe('createIncidentSchema', () => {
  it('accepts title, status and message, trimming the title', () => {
    expect(createIncidentSchema.parse({ title: '  API down ', status: 'investigating', message: 'Looking into it' })).toEqual({
      title: 'API down',
      status: 'investigating',
      message: 'Looking into it',
    });
  });

  it.each(INCIDENT_STATUSES)('accepts status %s', (status) => {
    expect(fieldErrorsOf(createIncidentSchema, { title: 't', status })).toEqual([]);
  });

  it('message is optional and may be up to 5000 characters', () => {
    expect(fieldErrorsOf(createIncidentSchema, { title: 't', status: 'resolved' })).toEqual([]);
    expect(fieldErrorsOf(createIncidentSchema, { title: 't', status: 'resolved', message: 'm'.repeat(5000) })).toEqual([]);
  });

  it.each([
    ['title missing', { status: 'resolved' }, 'title', 'is required'],
    ['title not a string', { title: 5, status: 'resolved' }, 'title', 'must be a string'],
    ['title empty', { title: '', status: 'resolved' }, 'title', 'must not be empty'],
    ['title blank', { title: '   ', status: 'resolved' }, 'title', 'must not be empty'],
    ['title too long', { title: 't'.repeat(201), status: 'resolved' }, 'title', 'must be at most 200 characters'],
    ['status missing', { title: 't' }, 'status', 'is required'],
    ['status unknown', { title: 't', status: 'on_fire' }, 'status', STATUS_REASON],
    ['status not a string', { title: 't', status: 1 }, 'status', STATUS_REASON],
    ['message not a string', { title: 't', status: 'resolved', message: 1 }, 'message', 'must be a string'],
    ['message null', { title: 't', status: 'resolved', message: null }, 'message', 'must be a string'],
    ['message too long', { title: 't', status: 'resolved', message: 'm'.repeat(5001) }, 'message', 'must be at most 5000 characters'],
    ['unknown field', { title: 't', status: 'resolved', severity: 'high' }, 'severity', 'is not an allowed field'],
  ])('rejects %s', (_label, body, field, reason) => {
    expect(fieldErrorsOf(createIncidentSchema, body)).toEqual([{ field, reason }]);
  });

  it('reports every bad field at once', () => {
    expect(fieldErrorsOf(createIncidentSchema, {}).map((e) => e.field)).toEqual(['title', 'status']);
  });

  it('rejects a body that is not an object', () => {
    expect(fieldErrorsOf(createIncidentSchema, 'x')).toEqual([{ field: '(body)', reason: expect.any(String) }]);
  });
});

describe('updateIncidentSchema', () => {
  it('accepts any subset, and nothing', () => {
    expect(updateIncidentSchema.parse({})).toEqual({});
    expect(updateIncidentSchema.parse({ status: 'monitoring' })).toEqual({ status: 'monitoring' });
  });

  it('clears the message with null', () => {
    expect(updateIncidentSchema.parse({ message: null })).toEqual({ message: null });
  });

  it.each([
    ['title null', { title: null }, 'title', 'must be a string'],
    ['title empty', { title: '' }, 'title', 'must not be empty'],
    ['title too long', { title: 't'.repeat(201) }, 'title', 'must be at most 200 characters'],
    ['status null', { status: null }, 'status', STATUS_REASON],
    ['status unknown', { status: 'nope' }, 'status', STATUS_REASON],
    ['message too long', { message: 'm'.repeat(5001) }, 'message', 'must be at most 5000 characters'],
    ['unknown field', { id: 'x' }, 'id', 'is not an allowed field'],
  ])('rejects %s', (_label, body, field, reason) => {
    expect(fieldErrorsOf(updateIncidentSchema, body)).toEqual([{ field, reason }]);
  });
});

describe('maintenance bodies', () => {
  it('are the incident bodies (one status vocabulary, DESIGN.md)', () => {
    expect(createMaintenanceSchema.parse({ title: 'Upgrade', status: 'scheduled' })).toEqual({ title: 'Upgrade', status: 'scheduled' });
    expect(fieldErrorsOf(createMaintenanceSchema, { title: '', status: 'x' }).map((e) => e.field)).toEqual(['title', 'status']);
    expect(updateMaintenanceSchema.parse({ status: 'completed' })).toEqual({ status: 'completed' });
  });
});
