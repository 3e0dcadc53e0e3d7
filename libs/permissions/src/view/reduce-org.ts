import type { OrgEvent } from './aggregate';
import type { OrgRecord } from './view.records';

/**
 * Projects one org event onto an org record. An event not newer than `current.version` returns
 * `current` itself.
 * @throws if `current` is another org's record.
 */
export function reduceOrg(current: OrgRecord | null, event: OrgEvent): OrgRecord {
  if (current !== null) {
    if (current.orgId !== event.orgId) throw new Error(`reduceOrg: event for org ${event.orgId} applied to org ${current.orgId}`);
    if (event.aggregateVersion <= current.version) return current;
  }
  return { orgId: event.orgId, version: event.aggregateVersion, name: event.payload.name };
}
