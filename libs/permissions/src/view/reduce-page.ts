import type { PageEvent } from './aggregate';
import type { PageRecord } from './view.records';

/**
 * Projects one status-page event onto a page record. An event not newer than `current.version`
 * returns `current` itself. `StatusPageRemoved` marks the page removed (and forgets its name; a
 * removal seen first leaves the same record); a newer `StatusPageUpserted` registers it again.
 * @throws if `current` is another page's record.
 */
export function reducePage(current: PageRecord | null, event: PageEvent): PageRecord {
  const { pageId } = event.payload;
  if (current !== null) {
    if (current.pageId !== pageId) throw new Error(`reducePage: event for page ${pageId} applied to page ${current.pageId}`);
    if (event.aggregateVersion <= current.version) return current;
  }
  const version = event.aggregateVersion;
  if (event.type === 'StatusPageRemoved') {
    // Built from the event alone, like an upsert, so the outcome does not depend on arrival order.
    return { orgId: event.orgId, pageId, version, name: null, removed: true };
  }
  return { orgId: event.orgId, pageId, version, name: event.payload.name, removed: false };
}
