import type { PageScope } from '../common/page-scope';
import type { ContentService } from './content.service';

/** All content kinds together, for what spans them (deleting a page's content). */
export class ContentRegistry {
  constructor(readonly services: readonly ContentService[]) {}

  /** Deletes every record of the page in every kind. Not atomic (no transactions): re-run on failure. */
  async deleteAll(scope: PageScope): Promise<void> {
    for (const service of this.services) await service.deleteAll(scope);
  }
}
