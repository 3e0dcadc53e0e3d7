import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { generateApiKey, hashApiKey, pepperKey, newKeyId } from '@sp/api-keys';
import { KEY_CREATED, KEY_NARROWED, KEY_REVOKED, KEY_ROLLED, type Actor, type KeyType, type RevocationReason } from '@sp/contracts';
import { validationError } from '@sp/platform';
import { AccessControl } from '../auth/access-control.service';
import type { Caller } from '../auth/caller';
import { conflict, notFound } from '../common/errors';
import type { KeyServiceEnv } from '../config/env.schema';
import { MembersService } from '../members/members.service';
import type { OrgKeyPolicy } from '../orgs/org.schema';
import { OrgsService } from '../orgs/orgs.service';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { StatusPagesService } from '../status-pages/status-pages.service';
import { ApiKey } from './api-key.schema';
import type { CreateApiKeyRequest } from './create-api-key.request.dto';

type KeyConfig = Pick<ApiKey, 'name' | 'access' | 'statusPageIds' | 'permissions' | 'expiresAt' | 'allowedIps'>;

/** Where a leaked key was found (secret-scanning reports). */
export interface LeakReport {
  url: string | null;
  source: string | null;
}

@Injectable()
export class ApiKeysService {
  private readonly pepper: KeyObject;

  constructor(
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
    private readonly orgs: OrgsService,
    private readonly pages: StatusPagesService,
    private readonly members: MembersService,
    private readonly writer: AggregateWriter,
    private readonly access: AccessControl,
    config: ConfigService<KeyServiceEnv, true>,
  ) {
    this.pepper = pepperKey(config.get('API_KEY_PEPPER', { infer: true }));
  }

  async createOrgKey(orgId: string, body: CreateApiKeyRequest, caller: Caller) {
    const org = await this.orgs.require(orgId);
    await this.access.require(orgId, caller, 'api_key:manage');
    await this.checkPages(orgId, body.statusPageIds ?? null);
    return this.issue(orgId, 'org', null, withPolicy(toConfig(body), 'org', org.keyPolicy), null, caller.actor);
  }

  /** Any member may create their own user keys; someone else's need `api_key:manage`. */
  async createUserKey(orgId: string, userId: string, body: CreateApiKeyRequest, caller: Caller) {
    const org = await this.orgs.require(orgId);
    await this.access.memberOf(orgId, caller);
    if (caller.actingUserId !== userId) await this.access.require(orgId, caller, 'api_key:manage');
    await this.members.requireActive(orgId, userId);
    await this.checkPages(orgId, body.statusPageIds ?? null);
    return this.issue(orgId, 'user', userId, withPolicy(toConfig(body), 'user', org.keyPolicy), null, caller.actor);
  }

  /** Every key of the org; a member without `api_key:manage` sees only their own user keys. */
  async list(orgId: string, caller: Caller) {
    await this.orgs.require(orgId);
    const all = await this.access.holds(orgId, caller, 'api_key:manage');
    const filter = all ? { orgId } : { orgId, type: 'user', userId: caller.actingUserId };
    const keys = await this.keys.find(filter).sort({ createdAt: -1 }).limit(1000).lean<ApiKey[]>().exec();
    return keys.map((k) => toKeyResponse(k));
  }

  async get(keyId: string, caller: Caller) {
    return toKeyResponse(await this.requireFor(keyId, caller));
  }

  /** The key, if the caller may act on it (its own user key, or `api_key:manage`); else 404 or 403. */
  async requireFor(keyId: string, caller: Caller): Promise<ApiKey> {
    const key = await this.require(keyId);
    await this.access.requireKeyOwnerOr(key, caller);
    return key;
  }

  /**
   * Revocation is a state and idempotent: revoking twice answers the same and emits one event. The
   * reason (and a leak's report) is kept with the key and travels in the event, into the audit log.
   */
  async revoke(keyId: string, caller: Caller, reason: RevocationReason = 'revoked', report: LeakReport | null = null) {
    const existing = await this.requireFor(keyId, caller);
    const result = await this.revokeKey(existing, caller.actor, reason, report);
    return { ...toKeyResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** Revokes a key (no check of the caller: the callers decide); no change when already revoked. */
  revokeKey(key: Pick<ApiKey, '_id' | 'orgId'>, actor: Actor, reason: RevocationReason, report: LeakReport | null) {
    const keyId = key._id;
    return this.writer.write(this.keys, keyId, key.orgId, (current, version) => {
      if (!current) throw notFound(`api key ${keyId}`);
      if (current.revokedAt) return null;
      return {
        set: { revokedAt: new Date().toISOString(), revokedReason: reason, revocationReport: report, updatedAt: new Date() },
        event: buildEvent(
          KEY_REVOKED,
          { orgId: current.orgId, aggregateId: keyId, aggregateVersion: version, actor },
          { keyId, reason, ...(report !== null ? { report } : {}) },
        ),
      };
    });
  }

  /** A member left the org: every live user key of theirs there is revoked for good (reason member_removed). */
  async revokeUserKeys(orgId: string, userId: string, actor: Actor): Promise<number> {
    const live = await this.keys.find({ orgId, type: 'user', userId, revokedAt: null }, { _id: 1, orgId: 1 }).lean<ApiKey[]>().exec();
    const results = await Promise.all(live.map((k) => this.revokeKey(k, actor, 'member_removed', null)));
    return results.filter((r) => r.changed).length;
  }

  /** A status page left the org: keys narrowed to it lose it for good (a page that comes back is not reached). */
  async dropPage(orgId: string, pageId: string, actor: Actor): Promise<void> {
    const narrowed = await this.keys.find({ orgId, statusPageIds: pageId, revokedAt: null }, { _id: 1 }).lean<ApiKey[]>().exec();
    await Promise.all(
      narrowed.map((k) =>
        this.writer.write(this.keys, k._id, orgId, (current, version) => {
          if (!current || !current.statusPageIds?.includes(pageId)) return null;
          const statusPageIds = current.statusPageIds.filter((id) => id !== pageId);
          return {
            set: { statusPageIds, updatedAt: new Date() },
            event: buildEvent(KEY_NARROWED, { orgId, aggregateId: k._id, aggregateVersion: version, actor }, { keyId: k._id, statusPageIds }),
          };
        }),
      ),
    );
  }

  /**
   * Issues a new key with the same configuration; the old one keeps working for the grace period,
   * never past its own expiry. The new key is written first: a crash in between leaves the old key
   * fully working rather than cut short.
   */
  async roll(keyId: string, gracePeriodSeconds: number, caller: Caller) {
    const actor = caller.actor;
    const old = await this.requireFor(keyId, caller);
    const status = keyStatus(old);
    if (status !== 'active') throw conflict(`api key ${keyId} is ${status} and cannot be rolled`);
    if (old.replacedBy) throw conflict(`api key ${keyId} was already rolled (replaced by ${old.replacedBy})`);
    if (old.type === 'user') await this.members.requireActive(old.orgId, old.userId as string);

    const org = await this.orgs.require(old.orgId);
    const issued = await this.issue(old.orgId, old.type, old.userId, withPolicy(old, old.type, org.keyPolicy), keyId, actor);
    const graceEnd = new Date(Date.now() + gracePeriodSeconds * 1000);
    const graceEndsAt = (old.expiresAt && new Date(old.expiresAt) < graceEnd ? new Date(old.expiresAt) : graceEnd).toISOString();
    await this.writer.write(this.keys, keyId, old.orgId, (current, version) => {
      if (!current) throw notFound(`api key ${keyId}`);
      if (current.revokedAt || current.replacedBy) return null;
      return {
        set: { graceEndsAt, replacedBy: issued.id, updatedAt: new Date() },
        event: buildEvent(KEY_ROLLED, { orgId: current.orgId, aggregateId: keyId, aggregateVersion: version, actor }, { keyId, replacedBy: issued.id, graceEndsAt }),
      };
    });
    return { ...issued, previousKey: { id: keyId, graceEndsAt } };
  }

  async require(keyId: string): Promise<ApiKey> {
    const key = await this.keys.findById(keyId).lean<ApiKey>().exec();
    if (!key) throw notFound(`api key ${keyId}`);
    return key;
  }

  private async checkPages(orgId: string, pageIds: string[] | null): Promise<void> {
    if (!pageIds) return;
    const unknown = await this.pages.unknownPages(orgId, pageIds);
    if (unknown.length > 0) {
      throw validationError(
        unknown.map((id) => ({ field: `statusPageIds[${pageIds.indexOf(id)}]`, reason: `${id} is not a status page of org ${orgId}` })),
      );
    }
  }

  private async issue(orgId: string, type: KeyType, userId: string | null, cfg: KeyConfig, rolledFrom: string | null, actor: Actor) {
    const { key, prefix, last4 } = generateApiKey(type);
    const keyHash = hashApiKey(key, this.pepper);
    const keyId = newKeyId();
    const result = await this.writer.write(this.keys, keyId, orgId, (current, version) => {
      if (current) throw conflict(`api key id ${keyId} already exists`);
      const now = new Date();
      const fields = {
        orgId, type, userId, name: cfg.name, access: cfg.access,
        statusPageIds: cfg.statusPageIds ?? null, permissions: cfg.permissions ?? null, expiresAt: cfg.expiresAt ?? null, allowedIps: cfg.allowedIps ?? null,
        keyHash, prefix, last4, revokedAt: null, revokedReason: null, revocationReport: null, graceEndsAt: null, replacedBy: null, rolledFrom, lastUsedAt: null,
        createdAt: now, updatedAt: now,
      };
      return {
        set: fields,
        event: buildEvent(KEY_CREATED, { orgId, aggregateId: keyId, aggregateVersion: version, actor }, {
          keyId, keyHash, type, userId, name: cfg.name, access: cfg.access,
          statusPageIds: fields.statusPageIds, permissions: fields.permissions, expiresAt: fields.expiresAt, allowedIps: fields.allowedIps,
          prefix, last4, rolledFrom,
        }),
      };
    });
    // The plaintext key leaves here once, in the 201 answer; it is never stored or logged.
    return { ...toKeyResponse(result.doc), key, consistencyToken: result.consistencyToken };
  }
}

function toConfig(body: CreateApiKeyRequest): KeyConfig {
  return {
    name: body.name,
    access: body.access,
    statusPageIds: body.statusPageIds ?? null,
    permissions: body.permissions ?? null,
    expiresAt: body.expiresAt ?? null,
    allowedIps: body.allowedIps ?? null,
  };
}

/**
 * The org's key policy applied to a new or rolled key (DESIGN.md "Keys"): with `maxLifetimeDays` a
 * key without `expiresAt` gets now + that many days and a later one is refused; with
 * `orgKeyMaxAccess: read` an org key may not be `read_write`. 400 naming the field.
 */
export function withPolicy(cfg: KeyConfig, type: KeyType, policy: OrgKeyPolicy | null | undefined, now = Date.now()): KeyConfig {
  if (!policy) return cfg;
  if (type === 'org' && policy.orgKeyMaxAccess === 'read' && cfg.access === 'read_write') {
    throw validationError([{ field: 'access', reason: "the org's key policy allows org keys read access at most" }]);
  }
  if (policy.maxLifetimeDays == null) return cfg;
  const latest = now + policy.maxLifetimeDays * 86_400_000;
  if (cfg.expiresAt === null) return { ...cfg, expiresAt: new Date(latest).toISOString() };
  if (Date.parse(cfg.expiresAt) > latest) {
    throw validationError([{ field: 'expiresAt', reason: `the org's key policy allows keys at most ${policy.maxLifetimeDays} days (until ${new Date(latest).toISOString()})` }]);
  }
  return cfg;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export function keyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt' | 'graceEndsAt'>, now = Date.now()): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  if (key.graceEndsAt && Date.parse(key.graceEndsAt) <= now) return 'expired';
  return 'active';
}

/** Metadata only: never the key nor its hash. */
export function toKeyResponse(k: ApiKey) {
  return {
    id: k._id,
    orgId: k.orgId,
    type: k.type,
    userId: k.userId,
    name: k.name,
    access: k.access,
    statusPageIds: k.statusPageIds,
    permissions: k.permissions ?? null,
    expiresAt: k.expiresAt,
    allowedIps: k.allowedIps,
    prefix: k.prefix,
    last4: k.last4,
    display: `${k.prefix}…${k.last4}`,
    status: keyStatus(k),
    revokedAt: k.revokedAt,
    revocation: k.revokedAt ? { reason: k.revokedReason ?? 'revoked', report: k.revocationReport ?? null } : null,
    graceEndsAt: k.graceEndsAt,
    replacedBy: k.replacedBy,
    rolledFrom: k.rolledFrom,
    lastUsedAt: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
    createdAt: k.createdAt,
    version: k.version,
  };
}
