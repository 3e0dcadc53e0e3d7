import { StaticTokenGuard } from '@sp/platform';

/** `Authorization: Bearer <INTERNAL_TOKEN>`. */
export const InternalTokenGuard = StaticTokenGuard({ configKey: 'INTERNAL_TOKEN', message: 'a valid internal bearer token is required' });
