// Records and projection (the materialized access view)
export * from './view/view.records';
export { aggregateKind, aggregateIdOf, hasConsistentAggregateId } from './view/aggregate';
export type { KeyEvent, MemberEvent, PageEvent, OrgEvent } from './view/aggregate';
export { reduceKey } from './view/reduce-key';
export { reduceMember } from './view/reduce-member';
export { reducePage } from './view/reduce-page';
export { reduceOrg } from './view/reduce-org';
export { applyToRecord } from './view/apply-to-record';
export { AccessView } from './view/access-view';
export type { AccessViewSnapshot, AccessViewSize } from './view/access-view';
export { VIEW_SNAPSHOT_MEDIA_TYPE, SNAPSHOT_FIELDS, viewSnapshotLines, ViewSnapshotReader } from './view/view-snapshot.stream';
export type { SnapshotLine } from './view/view-snapshot.stream';
export { keyRecordFromState, memberRecordFromState, pageRecordFromState, orgRecordFromState, recordIdOf } from './view/record-from-state';
export type { KeyState, MemberState, PageState, OrgState } from './view/record-from-state';

// Permission engine
export type { AccessFacts, AccessRequest, Decision, DenyReason } from './engine/access.types';
export { evaluateAccess, evaluatePrincipal, evaluateMemberAction, readablePages, effectiveRole } from './engine/evaluate-access';
export {
  PERMISSION_TABLE,
  roleGrants,
  orgKeyGrants,
  accessAllows,
  isOrgLevelPermission,
  isManagementPermission,
  isReadPermission,
  keyPermits,
} from './engine/permission-table';
export type { PermissionRow } from './engine/permission-table';

// IP allowlists
export { ipAllowed, parseCidr, parseClientIp, compileAllowlist } from './net/ip-allowlist';
export type { Cidr } from './net/ip-allowlist';
