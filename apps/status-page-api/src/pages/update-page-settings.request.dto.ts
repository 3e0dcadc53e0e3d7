// The bodies live in libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export {
  PAGE_NAME_MAX,
  THEME_MAX_ENTRIES,
  THEME_KEY_MAX,
  THEME_VALUE_MAX,
  timezoneField,
  canonicalTimeZone,
  themeField,
  HOSTNAME,
  customDomainField,
  updatePageSettingsSchema,
} from '@sp/contracts';
export type { UpdatePageSettingsRequest } from '@sp/contracts';
