import { memberAggregateId } from '@sp/contracts';
import type { KeyRecord, MemberRecord, OrgRecord, PageRecord, AggregateKind, ViewRecord } from './view.records';

/**
 * A view snapshot as a stream of lines (NDJSON): first `{"offsets":{"<partition>":"<next offset>"}}`,
 * the access-topic offsets the records reflect at least, then one record per line as a JSON array:
 * its kind, then its fields in the order `SNAPSHOT_FIELDS` gives, e.g. `["org","org_1",3,"Acme"]`.
 * Orgs come first, then pages, members and keys. A record's `orgId` is the number of an org line
 * before it (0 for the first org) when that org is in the snapshot, and a key's `userId` the number
 * of the member line of that org and user: each id is parsed once, and every record of the same org
 * or user shares that one string. Otherwise these fields carry the id itself.
 *
 * Arrays and references because a gateway's start is spent parsing and holding these records: no
 * field names repeated per record, no id parsed a second time. A view of any size travels and loads
 * line by line, never held whole as one JSON document. Read a snapshot with `ViewSnapshotReader`.
 */
export const VIEW_SNAPSHOT_MEDIA_TYPE = 'application/x-ndjson';

const KINDS: readonly AggregateKind[] = ['org', 'page', 'member', 'key'];

/** The fields of each kind's record, in the order a snapshot line carries them (after the kind). */
export const SNAPSHOT_FIELDS = {
  org: ['orgId', 'version', 'name'],
  page: ['orgId', 'pageId', 'version', 'name', 'removed'],
  member: ['orgId', 'userId', 'version', 'role', 'pageRoles', 'removed'],
  key: ['keyId', 'orgId', 'version', 'keyHash', 'type', 'userId', 'name', 'access', 'statusPageIds', 'permissions', 'expiresAt', 'allowedIps', 'prefix', 'last4', 'revoked', 'graceEndsAt', 'replacedBy', 'rolledFrom'],
} as const satisfies { [K in AggregateKind]: readonly string[] };

export type SnapshotLine = { offsets: Map<number, bigint> } | { kind: AggregateKind; record: ViewRecord };

export async function* viewSnapshotLines(
  offsets: ReadonlyMap<number, bigint>,
  records: (kind: AggregateKind) => AsyncIterable<ViewRecord>,
): AsyncGenerator<string> {
  yield `${JSON.stringify({ offsets: Object.fromEntries([...offsets].map(([p, o]) => [String(p), String(o)])) })}\n`;
  // The number of the line of each org and member written, counted per kind as a reader counts them.
  const orgLines = new Map<string, number>();
  const memberLines = new Map<string, number>();
  let orgCount = 0;
  let memberCount = 0;
  for (const kind of KINDS) {
    const fields: readonly string[] = SNAPSHOT_FIELDS[kind];
    let chunk = '';
    for await (const record of records(kind)) {
      const values: unknown[] = [kind];
      // An absent field (a record stored before it existed) travels as null, which it means.
      for (const field of fields) values.push((record as unknown as Record<string, unknown>)[field] ?? null);
      const orgId = (record as { orgId: string }).orgId;
      if (kind === 'org') {
        orgLines.set(orgId, orgCount++);
      } else {
        values[fields.indexOf('orgId') + 1] = orgLines.get(orgId) ?? orgId;
      }
      if (kind === 'member') {
        memberLines.set(memberAggregateId(orgId, (record as MemberRecord).userId), memberCount++);
      }
      if (kind === 'key') {
        const userId = (record as KeyRecord).userId;
        if (userId !== null) values[fields.indexOf('userId') + 1] = memberLines.get(memberAggregateId(orgId, userId)) ?? userId;
      }
      chunk += `${JSON.stringify(values)}\n`;
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
}

/**
 * Reads the lines of one snapshot, in order (a line may refer to the orgs and members before it).
 * Each record is built fresh: the caller may keep it.
 */
export class ViewSnapshotReader {
  private readonly orgIds: string[] = [];
  private readonly userIds: string[] = [];

  /**
   * The lines of `text`: whole lines, the next ones of the snapshot (one, or a chunk of many: they
   * are parsed as one JSON document, not one by one). A final newline is optional.
   * Throws on a line that is neither a header nor a record of a known kind with its number of
   * fields and valid references.
   */
  lines(text: string): SnapshotLine[] {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (body.length === 0) return [];
    let values: unknown[];
    try {
      values = JSON.parse(`[${body.replaceAll('\n', ',')}]`) as unknown[];
    } catch {
      // Name the line that is not JSON (or empty).
      const bad = body.split('\n').find((line) => !isJson(line)) ?? body;
      throw new Error(`snapshot: not a record line: ${bad.slice(0, 80)}`);
    }
    return values.map((value) => this.lineOf(value));
  }

  /** Every line of a whole snapshot text (for tests and small views). */
  static parse(text: string): SnapshotLine[] {
    return new ViewSnapshotReader().lines(text);
  }

  private lineOf(value: unknown): SnapshotLine {
    if (Array.isArray(value)) {
      const record = this.recordOf(value);
      if (record !== null) return { kind: value[0] as AggregateKind, record };
    } else if (typeof value === 'object' && value !== null && 'offsets' in value) {
      const offsets = (value as { offsets: Record<string, string> }).offsets;
      return { offsets: new Map(Object.entries(offsets).map(([p, o]) => [Number(p), BigInt(o)])) };
    }
    throw new Error(`snapshot: not a record line: ${JSON.stringify(value).slice(0, 80)}`);
  }

  // Literals in the order of SNAPSHOT_FIELDS: every record of a kind gets the same shape.
  private recordOf(v: unknown[]): ViewRecord | null {
    const kind = v[0] as AggregateKind;
    if (!KINDS.includes(kind) || v.length !== SNAPSHOT_FIELDS[kind].length + 1) return null;
    switch (kind) {
      case 'org': {
        if (typeof v[1] !== 'string') return null;
        this.orgIds.push(v[1]);
        return { orgId: v[1], version: v[2], name: v[3] } as OrgRecord;
      }
      case 'page': {
        const orgId = ref(this.orgIds, v[1]);
        return orgId === null ? null : ({ orgId, pageId: v[2], version: v[3], name: v[4], removed: v[5] } as PageRecord);
      }
      case 'member': {
        const orgId = ref(this.orgIds, v[1]);
        if (orgId === null || typeof v[2] !== 'string') return null;
        this.userIds.push(v[2]);
        return { orgId, userId: v[2], version: v[3], role: v[4], pageRoles: v[5], removed: v[6] } as MemberRecord;
      }
      case 'key': {
        const orgId = ref(this.orgIds, v[2]);
        const userId = v[6] === null ? null : ref(this.userIds, v[6]);
        if (orgId === null || (v[6] !== null && userId === null)) return null;
        return {
          keyId: v[1], orgId, version: v[3], keyHash: v[4], type: v[5], userId, name: v[7], access: v[8], statusPageIds: v[9],
          permissions: v[10], expiresAt: v[11], allowedIps: v[12], prefix: v[13], last4: v[14], revoked: v[15], graceEndsAt: v[16], replacedBy: v[17], rolledFrom: v[18],
        } as KeyRecord;
      }
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** An id given as itself or as the number of an earlier line; null if neither. */
function ref(ids: readonly string[], value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? (ids[value] ?? null) : null;
}
