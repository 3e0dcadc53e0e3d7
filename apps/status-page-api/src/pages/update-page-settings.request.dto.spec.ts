import { fieldErrorsOf } from '../testing/field-errors';
import { canonicalTimeZone, updatePageSettingsSchema } from './update-page-settings.request.dto';

describe('updatePageSettingsSchema', () => {
  it('accepts every setting, normalising time zone and domain', () => {
    expect(
      updatePageSettingsSchema.parse({
        name: ' Acme status ',
        timezone: 'europe/berlin',
        theme: { primaryColor: '#ff0000', 'font-family': 'Inter' },
        customDomain: 'Status.Example.COM',
      }),
    ).toEqual({
      name: 'Acme status',
      timezone: 'Europe/Berlin',
      theme: { primaryColor: '#ff0000', 'font-family': 'Inter' },
      customDomain: 'status.example.com',
    });
  });

  it('accepts an empty patch and null to clear a setting', () => {
    expect(updatePageSettingsSchema.parse({})).toEqual({});
    expect(updatePageSettingsSchema.parse({ name: null, timezone: null, theme: null, customDomain: null })).toEqual({
      name: null,
      timezone: null,
      theme: null,
      customDomain: null,
    });
  });

  it.each([
    ['name not a string', { name: 1 }, 'name', 'must be a string'],
    ['name empty', { name: '' }, 'name', 'must not be empty'],
    ['name too long', { name: 'n'.repeat(201) }, 'name', 'must be at most 200 characters'],
    ['timezone not a string', { timezone: 1 }, 'timezone', 'must be a string'],
    ['timezone unknown', { timezone: 'Mars/Olympus_Mons' }, 'timezone', 'must be an IANA time zone such as "Europe/Berlin"'],
    ['timezone empty', { timezone: '' }, 'timezone', 'must be an IANA time zone such as "Europe/Berlin"'],
    ['theme not an object', { theme: 'dark' }, 'theme', 'must be an object of strings'],
    ['theme an array', { theme: ['dark'] }, 'theme', 'must be an object of strings'],
    ['theme value not a string', { theme: { primary: 1 } }, 'theme.primary', 'must be a string'],
    ['theme value too long', { theme: { primary: 'x'.repeat(501) } }, 'theme.primary', 'must be at most 500 characters'],
    ['theme key with a dot', { theme: { 'a.b': 'x' } }, 'theme', 'key "a.b" must not contain "." or "$"'],
    ['theme key with a dollar', { theme: { $where: 'x' } }, 'theme', 'key "$where" must not contain "." or "$"'],
    ['theme key empty', { theme: { '': 'x' } }, 'theme', 'key "" must not be empty'],
    ['theme key too long', { theme: { ['k'.repeat(65)]: 'x' } }, 'theme', `key "${'k'.repeat(64)}" must be at most 64 characters`],
    [
      'theme with too many entries',
      { theme: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'theme',
      'must have at most 50 entries',
    ],
    ['customDomain not a string', { customDomain: true }, 'customDomain', 'must be a string'],
    ['customDomain single label', { customDomain: 'localhost' }, 'customDomain', 'must be a hostname such as status.example.com'],
    ['customDomain a URL', { customDomain: 'https://status.example.com' }, 'customDomain', 'must be a hostname such as status.example.com'],
    ['customDomain an IP', { customDomain: '10.0.0.1' }, 'customDomain', 'must be a hostname such as status.example.com'],
    ['customDomain bad label', { customDomain: '-x.example.com' }, 'customDomain', 'must be a hostname such as status.example.com'],
    ['unknown field', { logo: 'x.png' }, 'logo', 'is not an allowed field'],
  ])('rejects %s', (_label, body, field, reason) => {
    expect(fieldErrorsOf(updatePageSettingsSchema, body)).toEqual([{ field, reason }]);
  });

  it('names every unknown field', () => {
    expect(fieldErrorsOf(updatePageSettingsSchema, { name: 'x', logo: 1, colors: 2 })).toEqual([
      { field: 'logo', reason: 'is not an allowed field' },
      { field: 'colors', reason: 'is not an allowed field' },
    ]);
  });
});

describe('canonicalTimeZone', () => {
  it('gives the canonical spelling of a known zone', () => {
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
  });

  it('refuses unknown, empty and overlong values', () => {
    expect(canonicalTimeZone('Nowhere/Town')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
    expect(canonicalTimeZone('Europe/'.repeat(20))).toBeNull();
  });
});
