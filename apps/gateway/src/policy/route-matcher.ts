import { POLICY_TABLE, type Policy } from './policy.table';

export interface RouteMatch {
  policy: Policy;
  pageId: string | null;
  orgId: string | null;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

interface Compiled {
  policy: Policy;
  segments: string[];
}

/**
 * Matches method + path against the policy table. Compiled once into per-method lists of
 * segment arrays; a match costs one split and a few string compares. Path parameters must be
 * well-formed ids, otherwise there is no match (404).
 */
export class RouteMatcher {
  private readonly byMethod = new Map<string, Compiled[]>();

  constructor(table: readonly Policy[] = POLICY_TABLE) {
    for (const policy of table) {
      const list = this.byMethod.get(policy.method) ?? [];
      list.push({ policy, segments: policy.path.split('/') });
      this.byMethod.set(policy.method, list);
    }
  }

  match(method: string, url: string): RouteMatch | null {
    const candidates = this.byMethod.get(method);
    if (candidates === undefined) return null;
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const parts = path.split('/');
    outer: for (const { policy, segments } of candidates) {
      if (segments.length !== parts.length) continue;
      let pageId: string | null = null;
      let orgId: string | null = null;
      for (let i = 0; i < segments.length; i++) {
        const s = segments[i];
        if (s.charCodeAt(0) === 58 /* ':' */) {
          if (!ID.test(parts[i])) continue outer;
          if (s === ':pageId') pageId = parts[i];
          else if (s === ':orgId') orgId = parts[i];
        } else if (s !== parts[i]) continue outer;
      }
      return { policy, pageId, orgId };
    }
    return null;
  }
}
