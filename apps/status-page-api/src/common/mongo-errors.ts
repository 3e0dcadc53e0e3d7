/** MongoDB's duplicate key error code (E11000). */
export const DUPLICATE_KEY_CODE = 11000;

/**
 * True when a write was refused by a unique index. MongoDB answers code 11000; FerretDB 1.x with
 * the SQLite backend answers 11000 for inserts but, for updates (update, findAndModify), an
 * InternalError (code 1) carrying SQLite's "UNIQUE constraint failed" message.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === DUPLICATE_KEY_CODE) return true;
  return code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed');
}
