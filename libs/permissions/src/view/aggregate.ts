import {
  memberAggregateId,
  type AccessEvent,
  type KeyCreatedEvent,
  type KeyNarrowedEvent,
  type KeyRevokedEvent,
  type KeyRolledEvent,
  type MemberRemovedEvent,
  type MemberUpsertedEvent,
  type OrgUpsertedEvent,
  type StatusPageRemovedEvent,
  type StatusPageUpsertedEvent,
} from '@sp/contracts';
import type { AggregateKind } from './view.records';

export type KeyEvent = KeyCreatedEvent | KeyRevokedEvent | KeyRolledEvent | KeyNarrowedEvent;
export type MemberEvent = MemberUpsertedEvent | MemberRemovedEvent;
export type PageEvent = StatusPageUpsertedEvent | StatusPageRemovedEvent;
export type OrgEvent = OrgUpsertedEvent;

/** Which record kind an access event targets. */
export function aggregateKind(event: AccessEvent): AggregateKind {
  switch (event.type) {
    case 'KeyCreated':
    case 'KeyRevoked':
    case 'KeyRolled':
    case 'KeyNarrowed':
      return 'key';
    case 'MemberUpserted':
    case 'MemberRemoved':
      return 'member';
    case 'StatusPageUpserted':
    case 'StatusPageRemoved':
      return 'page';
    case 'OrgUpserted':
      return 'org';
  }
}

/**
 * The aggregate id an event must carry, derived from its payload (keyId, pageId,
 * memberAggregateId(orgId, userId), orgId). Producers set `aggregateId` to exactly this.
 */
export function aggregateIdOf(event: AccessEvent): string {
  switch (event.type) {
    case 'KeyCreated':
    case 'KeyRevoked':
    case 'KeyRolled':
    case 'KeyNarrowed':
      return event.payload.keyId;
    case 'MemberUpserted':
    case 'MemberRemoved':
      return memberAggregateId(event.orgId, event.payload.userId);
    case 'StatusPageUpserted':
    case 'StatusPageRemoved':
      return event.payload.pageId;
    case 'OrgUpserted':
      return event.orgId;
  }
}

/** Whether an event's `aggregateId` matches its payload; the view refuses events where it does not. */
export function hasConsistentAggregateId(event: AccessEvent): boolean {
  return event.aggregateId === aggregateIdOf(event);
}
