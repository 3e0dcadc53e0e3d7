import type { IncomingHttpHeaders } from 'node:http';

/**
 * The presented key: `Authorization: Bearer <key>` or `X-API-Key: <key>`. Query strings are never
 * read. Two different keys in the two headers are ambiguous and yield null (fail closed).
 */
export function extractApiKey(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  let fromAuth: string | null = null;
  if (typeof auth === 'string' && auth.length > 7 && /^bearer /i.test(auth)) fromAuth = auth.slice(7).trim();
  const x = headers['x-api-key'];
  const fromHeader = typeof x === 'string' && x.length > 0 ? x.trim() : null;
  if (fromAuth !== null && fromHeader !== null && fromAuth !== fromHeader) return null;
  return fromAuth ?? fromHeader;
}

/** The client address: the socket's, or the first X-Forwarded-For entry behind a trusted proxy. */
export function clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = headers['x-forwarded-for'];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socketAddress ?? null;
}
