import { z } from 'zod';

/**
 * A consistency token names one change: the aggregate it changed and the version it reached.
 * A view is "at least as fresh" as the token once it has applied that aggregate at that version
 * or later. It is opaque to clients (base64url JSON) and carries no secret.
 */
const tokenSchema = z.object({
  o: z.string().min(1).max(128),
  a: z.string().min(1).max(300),
  v: z.number().int().positive(),
});

export interface ConsistencyToken {
  orgId: string;
  aggregateId: string;
  aggregateVersion: number;
}

export function encodeConsistencyToken(token: ConsistencyToken): string {
  return Buffer.from(
    JSON.stringify({ o: token.orgId, a: token.aggregateId, v: token.aggregateVersion }),
  ).toString('base64url');
}

/** Returns the token, or null when the text is not a well-formed token. */
export function decodeConsistencyToken(text: string): ConsistencyToken | null {
  if (text.length === 0 || text.length > 600) return null;
  try {
    const parsed = tokenSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { orgId: parsed.data.o, aggregateId: parsed.data.a, aggregateVersion: parsed.data.v } : null;
  } catch {
    return null;
  }
}
