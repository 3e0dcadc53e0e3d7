/**
 * The presented key, from `Authorization: Bearer <key>` or `X-API-Key: <key>` (header values as
 * received). Query strings are never read. Two different keys in the two headers are ambiguous and
 * yield null (fail closed).
 */
export function extractApiKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | null {
  let fromAuth: string | null = null;
  if (authorization !== undefined && authorization.length > 7 && /^bearer /i.test(authorization)) fromAuth = authorization.slice(7).trim();
  const fromHeader = apiKeyHeader !== undefined && apiKeyHeader.length > 0 ? apiKeyHeader.trim() : null;
  if (fromAuth !== null && fromHeader !== null && fromAuth !== fromHeader) return null;
  return fromAuth || fromHeader || null;
}

/** The client address: the socket's, or the first X-Forwarded-For entry behind a trusted proxy. */
export function clientAddress(forwardedFor: string | undefined, socketAddress: string | undefined, trustProxy: boolean): string | null {
  if (trustProxy && forwardedFor !== undefined) {
    const first = forwardedFor.split(',')[0]?.trim();
    if (first) return first;
  }
  return socketAddress ?? null;
}
