import type { Schema as MongooseSchema } from 'mongoose';
import type { z } from 'zod';

/** The content kinds of a status page; each is a path segment and a collection of its own. */
export const CONTENT_KINDS = ['incidents', 'maintenances', 'services', 'subscriptions'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** A body a kind accepts: a strict zod object. In an update body, `null` clears an optional field. */
export type ContentBodySchema = z.ZodType<Record<string, unknown>>;

/**
 * Everything that differs between content kinds. The repository, service and controller are
 * generic over it (see content.controller.ts).
 */
export interface ContentDefinition {
  kind: ContentKind;
  /** Mongoose model name. */
  modelName: string;
  schema: MongooseSchema;
  /** Used in OpenAPI summaries ("Create an incident"). */
  singular: string;
  /** The record's own fields, as answered (besides id, statusPageId, createdAt, updatedAt). */
  fields: readonly string[];
  createBody: ContentBodySchema;
  updateBody: ContentBodySchema;
}

export function contentServiceToken(kind: ContentKind): string {
  return `ContentService:${kind}`;
}
