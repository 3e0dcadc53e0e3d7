import type { AccessEvent } from '@sp/contracts';
import type { KeyEvent, MemberEvent, OrgEvent, PageEvent } from './aggregate';
import { reduceKey } from './reduce-key';
import { reduceMember } from './reduce-member';
import { reduceOrg } from './reduce-org';
import { reducePage } from './reduce-page';
import type { KeyRecord, MemberRecord, OrgRecord, PageRecord, ViewRecord } from './view.records';

/**
 * Applies any access event to the record of its aggregate (`current` must be that record, of the
 * kind `aggregateKind(event)` names, or null). Returns `current` itself when the event is a no-op.
 */
export function applyToRecord(current: KeyRecord | null, event: KeyEvent): KeyRecord;
export function applyToRecord(current: MemberRecord | null, event: MemberEvent): MemberRecord;
export function applyToRecord(current: PageRecord | null, event: PageEvent): PageRecord;
export function applyToRecord(current: OrgRecord | null, event: OrgEvent): OrgRecord;
export function applyToRecord(current: ViewRecord | null, event: AccessEvent): ViewRecord;
export function applyToRecord(current: ViewRecord | null, event: AccessEvent): ViewRecord {
  switch (event.type) {
    case 'KeyCreated':
    case 'KeyRevoked':
    case 'KeyRolled':
    case 'KeyNarrowed':
      return reduceKey(current as KeyRecord | null, event);
    case 'MemberUpserted':
    case 'MemberRemoved':
      return reduceMember(current as MemberRecord | null, event);
    case 'StatusPageUpserted':
    case 'StatusPageRemoved':
      return reducePage(current as PageRecord | null, event);
    case 'OrgUpserted':
      return reduceOrg(current as OrgRecord | null, event);
  }
}
