import { z } from 'zod';
import { keyCreatedEventSchema } from './key-created/key-created.event';
import { keyRevokedEventSchema } from './key-revoked/key-revoked.event';
import { keyNarrowedEventSchema } from './key-narrowed/key-narrowed.event';
import { keyRolledEventSchema } from './key-rolled/key-rolled.event';
import { memberRemovedEventSchema } from './member-removed/member-removed.event';
import { memberUpsertedEventSchema } from './member-upserted/member-upserted.event';
import { orgUpsertedEventSchema } from './org-upserted/org-upserted.event';
import { statusPageRemovedEventSchema } from './status-page-removed/status-page-removed.event';
import { statusPageUpsertedEventSchema } from './status-page-upserted/status-page-upserted.event';

/** Every event of the access topic, discriminated by `type`. */
export const accessEventSchema = z.discriminatedUnion('type', [
  orgUpsertedEventSchema,
  statusPageUpsertedEventSchema,
  statusPageRemovedEventSchema,
  memberUpsertedEventSchema,
  memberRemovedEventSchema,
  keyCreatedEventSchema,
  keyRevokedEventSchema,
  keyRolledEventSchema,
  keyNarrowedEventSchema,
]);
export type AccessEvent = z.infer<typeof accessEventSchema>;
export type AccessEventType = AccessEvent['type'];
