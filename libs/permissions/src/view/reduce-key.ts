import type { KeyEvent } from './aggregate';
import type { KeyRecord } from './view.records';

/**
 * Projects one key event onto a key record. Idempotent and monotonic:
 * - an event not newer than `current.version` returns `current` itself (test with `===`), except
 *   a `KeyRevoked` of a key not yet revoked: revocation holds whatever the versions, so an event
 *   with an inflated version (a producer fault) cannot make the real revoke a no-op;
 * - `KeyRevoked` sets `revoked` for good; seen before `KeyCreated` it leaves a tombstone
 *   (keyHash null) that the older `KeyCreated` can no longer fill, so the key stays unusable;
 * - `KeyRolled` sets `replacedBy` and `graceEndsAt` (a later roll can only shorten the grace;
 *   the engine also caps it at `expiresAt`);
 * - `KeyNarrowed` keeps only the pages it names of the key's `statusPageIds` (never widens: a key
 *   with no narrowing, or a tombstone, is narrowed to the named pages it already had, or none).
 * @throws if `current` is another key's record.
 */
export function reduceKey(current: KeyRecord | null, event: KeyEvent): KeyRecord {
  if (current !== null) {
    if (current.keyId !== event.payload.keyId) {
      throw new Error(`reduceKey: event for key ${event.payload.keyId} applied to key ${current.keyId}`);
    }
    if (event.aggregateVersion <= current.version) {
      return event.type === 'KeyRevoked' && !current.revoked ? { ...current, revoked: true } : current;
    }
  }
  switch (event.type) {
    case 'KeyCreated': {
      const p = event.payload;
      return {
        keyId: p.keyId,
        orgId: event.orgId,
        version: event.aggregateVersion,
        keyHash: p.keyHash,
        type: p.type,
        userId: p.userId,
        name: p.name,
        access: p.access,
        statusPageIds: p.statusPageIds === null ? null : [...p.statusPageIds],
        // Absent in events published before keys had permissions: no narrowing.
        permissions: p.permissions == null ? null : [...p.permissions],
        expiresAt: p.expiresAt,
        allowedIps: p.allowedIps === null ? null : [...p.allowedIps],
        prefix: p.prefix,
        last4: p.last4,
        // Whatever a newer create says, revocation and a roll already seen still hold.
        revoked: current?.revoked ?? false,
        graceEndsAt: current?.graceEndsAt ?? null,
        replacedBy: current?.replacedBy ?? null,
        rolledFrom: p.rolledFrom,
      };
    }
    case 'KeyRevoked':
      return { ...(current ?? keyTombstone(event.payload.keyId, event.orgId)), version: event.aggregateVersion, revoked: true };
    case 'KeyNarrowed': {
      const base = current ?? keyTombstone(event.payload.keyId, event.orgId);
      const keep = new Set(event.payload.statusPageIds);
      const statusPageIds = (base.statusPageIds ?? [...keep]).filter((id) => keep.has(id));
      return { ...base, version: event.aggregateVersion, statusPageIds };
    }
    case 'KeyRolled': {
      const base = current ?? keyTombstone(event.payload.keyId, event.orgId);
      return {
        ...base,
        version: event.aggregateVersion,
        graceEndsAt: earlierInstant(base.graceEndsAt, event.payload.graceEndsAt),
        replacedBy: event.payload.replacedBy,
      };
    }
  }
}

/** A record for a key whose creation has not been seen: unusable (no hash, no type), least privilege. */
function keyTombstone(keyId: string, orgId: string): KeyRecord {
  return {
    keyId,
    orgId,
    version: 0,
    keyHash: null,
    type: null,
    userId: null,
    name: null,
    access: 'read',
    statusPageIds: null,
    permissions: null,
    expiresAt: null,
    allowedIps: null,
    prefix: null,
    last4: null,
    revoked: false,
    graceEndsAt: null,
    replacedBy: null,
    rolledFrom: null,
  };
}

/** The earlier of two ISO instants (null = none). An unparsable one wins: the engine treats it as past. */
function earlierInstant(a: string | null, b: string): string {
  if (a === null) return b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta)) return a;
  if (Number.isNaN(tb)) return b;
  return ta <= tb ? a : b;
}
