/**
 * Opaque pagination cursor: the sort key (createdAt, _id) of the last record of a page, as
 * base64url JSON. Lists are sorted newest first by that key, so the next page is "strictly older".
 */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
const MAX_CURSOR_LENGTH = 200;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt.getTime(), i: position.id }), 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not one this service made. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { t, i } = parsed as { t?: unknown; i?: unknown };
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) return null;
  if (typeof i !== 'string' || !OBJECT_ID.test(i)) return null;
  return { createdAt: new Date(t), id: i };
}
