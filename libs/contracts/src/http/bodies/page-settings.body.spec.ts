import { updatePageSettingsSchema } from './page-settings.body';

describe('updatePageSettingsSchema', () => {
  it.each(['a\u0000b', '\u0000', 'tab\there', 'del\u007f'])('refuses a theme key with a control character (%j), naming theme', (key) => {
    const result = updatePageSettingsSchema.safeParse({ theme: { [key]: 'x' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['theme']);
    expect(result.error?.issues[0].message).toContain('control characters');
    expect(result.error?.issues[0].message).not.toContain('\u0000');
  });

  it('accepts ordinary theme keys', () => {
    expect(updatePageSettingsSchema.safeParse({ theme: { primaryColor: '#fff', 'font-family': 'Inter' } }).success).toBe(true);
  });
});
