import { Injectable } from '@nestjs/common';
import type { PageScope } from '../common/page-scope';
import { ContentRegistry } from '../content/content.registry';
import { PageSettingsRecord, PageSettingsRepository } from './page-settings.repository';
import type { UpdatePageSettingsRequest } from './update-page-settings.request.dto';

/** `{ id, name?, timezone?, theme?, customDomain?, updatedAt? }`: just `{ id }` for a page never patched. */
export interface PageSettingsView {
  id: string;
  name?: string;
  timezone?: string;
  theme?: Record<string, string>;
  customDomain?: string;
  updatedAt?: string;
}

const SETTINGS_FIELDS = ['name', 'timezone', 'theme', 'customDomain'] as const;

/**
 * A status page as this service knows it: its settings. The page itself lives in key-service;
 * whatever page the gateway lets through exists, with empty settings until patched.
 */
@Injectable()
export class PagesService {
  constructor(
    private readonly settings: PageSettingsRepository,
    private readonly content: ContentRegistry,
  ) {}

  async get(scope: PageScope): Promise<PageSettingsView> {
    return toView(scope, await this.settings.find(scope));
  }

  async update(scope: PageScope, patch: UpdatePageSettingsRequest): Promise<PageSettingsView> {
    const $set: Record<string, unknown> = {};
    const unset: string[] = [];
    for (const field of SETTINGS_FIELDS) {
      const value = patch[field];
      if (value === null) unset.push(field);
      else if (value !== undefined) $set[field] = value;
    }
    if (Object.keys($set).length === 0 && unset.length === 0) return this.get(scope);
    return toView(scope, await this.settings.upsert(scope, $set, unset));
  }

  /** Deletes the page's content and settings. Idempotent; content first so that a retry finishes the job. */
  async delete(scope: PageScope): Promise<void> {
    await this.content.deleteAll(scope);
    await this.settings.delete(scope);
  }
}

function toView(scope: PageScope, record: PageSettingsRecord | null): PageSettingsView {
  const view: PageSettingsView = { id: scope.statusPageId };
  if (!record) return view;
  for (const field of SETTINGS_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null) Object.assign(view, { [field]: value });
  }
  view.updatedAt = record.updatedAt.toISOString();
  return view;
}
