/** Every record belongs to one org and one of its status pages; every query filters on both. */
export interface PageScope {
  orgId: string;
  statusPageId: string;
}
