import type { AggregateKind, ViewRecord } from './view.records';

/**
 * A view snapshot as a stream of lines (NDJSON): first `{"offsets":{"<partition>":"<next offset>"}}`,
 * the access-topic offsets the records reflect at least, then one `{"kind","record"}` per record.
 * A view of any size travels and loads without being held whole as one JSON document.
 */
export const VIEW_SNAPSHOT_MEDIA_TYPE = 'application/x-ndjson';

const KINDS: readonly AggregateKind[] = ['org', 'page', 'member', 'key'];

export type SnapshotLine = { offsets: Map<number, bigint> } | { kind: AggregateKind; record: ViewRecord };

export async function* viewSnapshotLines(
  offsets: ReadonlyMap<number, bigint>,
  records: (kind: AggregateKind) => AsyncIterable<ViewRecord>,
): AsyncGenerator<string> {
  yield `${JSON.stringify({ offsets: Object.fromEntries([...offsets].map(([p, o]) => [String(p), String(o)])) })}\n`;
  for (const kind of KINDS) {
    let chunk = '';
    for await (const record of records(kind)) {
      chunk += `${JSON.stringify({ kind, record })}\n`;
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
}

/** One line of a snapshot; throws on a line that is neither a header nor a record of a known kind. */
export function parseSnapshotLine(line: string): SnapshotLine {
  const value = JSON.parse(line) as { offsets?: Record<string, string>; kind?: string; record?: ViewRecord };
  if (value.offsets !== undefined) return { offsets: new Map(Object.entries(value.offsets).map(([p, o]) => [Number(p), BigInt(o)])) };
  if (!KINDS.includes(value.kind as AggregateKind) || typeof value.record !== 'object' || value.record === null) {
    throw new Error(`snapshot: not a record line: ${line.slice(0, 80)}`);
  }
  return { kind: value.kind as AggregateKind, record: value.record };
}
