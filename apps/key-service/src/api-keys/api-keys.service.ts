import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { generateApiKey, hashApiKey, newKeyId } from '@sp/api-keys';
import { KEY_CREATED, KEY_REVOKED, KEY_ROLLED, type Actor, type KeyType } from '@sp/contracts';
import { validationError } from '@sp/platform';
import { conflict, notFound } from '../common/errors';
import type { KeyServiceEnv } from '../config/env.schema';
import { MembersService } from '../members/members.service';
import { OrgsService } from '../orgs/orgs.service';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { StatusPagesService } from '../status-pages/status-pages.service';
import { ApiKey } from './api-key.schema';
import type { CreateApiKeyRequest } from './create-api-key.request.dto';

type KeyConfig = Pick<ApiKey, 'name' | 'access' | 'statusPageIds' | 'expiresAt' | 'allowedIps'>;

@Injectable()
export class ApiKeysService {
  private readonly pepper: string;

  constructor(
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
    private readonly orgs: OrgsService,
    private readonly pages: StatusPagesService,
    private readonly members: MembersService,
    private readonly writer: AggregateWriter,
    config: ConfigService<KeyServiceEnv, true>,
  ) {
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  async createOrgKey(orgId: string, body: CreateApiKeyRequest, actor: Actor) {
    await this.orgs.require(orgId);
    await this.checkPages(orgId, body.statusPageIds ?? null);
    return this.issue(orgId, 'org', null, toConfig(body), null, actor);
  }

  async createUserKey(orgId: string, userId: string, body: CreateApiKeyRequest, actor: Actor) {
    await this.orgs.require(orgId);
    await this.members.requireActive(orgId, userId);
    await this.checkPages(orgId, body.statusPageIds ?? null);
    return this.issue(orgId, 'user', userId, toConfig(body), null, actor);
  }

  async list(orgId: string) {
    await this.orgs.require(orgId);
    const keys = await this.keys.find({ orgId }).sort({ createdAt: -1 }).limit(1000).lean<ApiKey[]>().exec();
    return keys.map((k) => toKeyResponse(k));
  }

  async get(keyId: string) {
    return toKeyResponse(await this.require(keyId));
  }

  /** Revocation is a state and idempotent: revoking twice answers the same and emits one event. */
  async revoke(keyId: string, actor: Actor) {
    const existing = await this.require(keyId);
    const result = await this.writer.write(this.keys, keyId, existing.orgId, (current, version) => {
      if (!current) throw notFound(`api key ${keyId}`);
      if (current.revokedAt) return null;
      return {
        set: { revokedAt: new Date().toISOString(), updatedAt: new Date() },
        event: buildEvent(KEY_REVOKED, { orgId: current.orgId, aggregateId: keyId, aggregateVersion: version, actor }, { keyId }),
      };
    });
    return { ...toKeyResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /**
   * Issues a new key with the same configuration; the old one keeps working for the grace period,
   * never past its own expiry. The new key is written first: a crash in between leaves the old key
   * fully working rather than cut short.
   */
  async roll(keyId: string, gracePeriodSeconds: number, actor: Actor) {
    const old = await this.require(keyId);
    const status = keyStatus(old);
    if (status !== 'active') throw conflict(`api key ${keyId} is ${status} and cannot be rolled`);
    if (old.replacedBy) throw conflict(`api key ${keyId} was already rolled (replaced by ${old.replacedBy})`);
    if (old.type === 'user') await this.members.requireActive(old.orgId, old.userId as string);

    const issued = await this.issue(old.orgId, old.type, old.userId, old, keyId, actor);
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
        statusPageIds: cfg.statusPageIds ?? null, expiresAt: cfg.expiresAt ?? null, allowedIps: cfg.allowedIps ?? null,
        keyHash, prefix, last4, revokedAt: null, graceEndsAt: null, replacedBy: null, rolledFrom, lastUsedAt: null,
        createdAt: now, updatedAt: now,
      };
      return {
        set: fields,
        event: buildEvent(KEY_CREATED, { orgId, aggregateId: keyId, aggregateVersion: version, actor }, {
          keyId, keyHash, type, userId, name: cfg.name, access: cfg.access,
          statusPageIds: fields.statusPageIds, expiresAt: fields.expiresAt, allowedIps: fields.allowedIps,
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
    expiresAt: body.expiresAt ?? null,
    allowedIps: body.allowedIps ?? null,
  };
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
    expiresAt: k.expiresAt,
    allowedIps: k.allowedIps,
    prefix: k.prefix,
    last4: k.last4,
    display: `${k.prefix}…${k.last4}`,
    status: keyStatus(k),
    revokedAt: k.revokedAt,
    graceEndsAt: k.graceEndsAt,
    replacedBy: k.replacedBy,
    rolledFrom: k.rolledFrom,
    lastUsedAt: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
    createdAt: k.createdAt,
    version: k.version,
  };
}
