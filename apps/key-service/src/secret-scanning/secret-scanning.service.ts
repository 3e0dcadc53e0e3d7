import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { verify, type KeyObject } from 'node:crypto';
import { hashApiKey, pepperKey, parseApiKey } from '@sp/api-keys';
import type { Actor } from '@sp/contracts';
import { ApiKey } from '../api-keys/api-key.schema';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { KeyServiceEnv } from '../config/env.schema';
import type { SecretScanningReport, SecretScanningResult } from './secret-scanning.dto';

const SECRET_SCANNING: Actor = { type: 'system', id: 'secret-scanning' };
/** Revocations in flight at once: a large report must not take the whole database pool. */
const REVOKE_CONCURRENCY = 10;

/** Leaked-key reports (DESIGN.md "Keys", GitHub's secret-scanning partner program). */
@Injectable()
export class SecretScanningService {
  private readonly trusted: Map<string, KeyObject>;
  private readonly pepper: KeyObject;

  constructor(
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
    private readonly apiKeys: ApiKeysService,
    config: ConfigService<KeyServiceEnv, true>,
  ) {
    this.trusted = config.get('SECRET_SCANNING_PUBLIC_KEYS', { infer: true });
    this.pepper = pepperKey(config.get('API_KEY_PEPPER', { infer: true }));
  }

  /** ECDSA P-256 / SHA-256 over the exact body, signature base64 DER, by a configured key. */
  verifySignature(body: Buffer, keyId: unknown, signature: unknown): boolean {
    if (typeof keyId !== 'string' || typeof signature !== 'string' || signature.length === 0 || signature.length > 512) return false;
    const key = this.trusted.get(keyId);
    if (key === undefined) return false;
    try {
      return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }

  /**
   * Labels each reported token and revokes at once those that are our live keys (reason leaked,
   * with the report's url and source). One lookup for the whole report; a key already revoked is
   * still ours (true_positive) and changes nothing: reporting again is idempotent.
   */
  async handle(report: SecretScanningReport): Promise<SecretScanningResult[]> {
    const hashes = report.map((t) => (parseApiKey(t.token) === null ? null : hashApiKey(t.token, this.pepper)));
    const wanted = [...new Set(hashes.filter((h): h is string => h !== null))];
    const found = wanted.length === 0 ? [] : await this.keys.find({ keyHash: { $in: wanted } }, { _id: 1, orgId: 1, keyHash: 1, revokedAt: 1 }).lean<ApiKey[]>().exec();
    const byHash = new Map(found.map((k) => [k.keyHash, k]));

    const toRevoke = new Map<string, { key: ApiKey; url: string | null; source: string | null }>();
    report.forEach((t, i) => {
      const key = hashes[i] === null ? undefined : byHash.get(hashes[i] as string);
      if (key !== undefined && !key.revokedAt && !toRevoke.has(key._id)) toRevoke.set(key._id, { key, url: t.url ?? null, source: t.source ?? null });
    });
    const pending = [...toRevoke.values()];
    for (let i = 0; i < pending.length; i += REVOKE_CONCURRENCY) {
      await Promise.all(
        pending.slice(i, i + REVOKE_CONCURRENCY).map(({ key, url, source }) => this.apiKeys.revokeKey(key, SECRET_SCANNING, 'leaked', { url, source })),
      );
    }
    return report.map((t, i) => ({
      token_raw: t.token,
      token_type: t.type,
      label: hashes[i] !== null && byHash.has(hashes[i] as string) ? 'true_positive' : 'false_positive',
    }));
  }
}
