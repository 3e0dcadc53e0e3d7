import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { hashApiKey, pepperKey, parseApiKey } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import { readPresentedCredential } from '@sp/platform';
import type { GatewayEnv } from '../config/env.schema';
import { AccessViewService } from '../view/access-view.service';

export const API_KEY_STRATEGY = 'api-key';

/** The request headers a key may be presented in, as Node parsed them. */
export interface KeyHeaders {
  authorization?: string;
  'x-api-key'?: string | string[];
}

/**
 * Passport strategy for API keys: the presented credential (readPresentedCredential: Bearer, bare
 * Authorization or X-API-Key; two different keys are a conflict), format + CRC32 checksum check
 * (junk never reaches a lookup), HMAC-SHA256 with the pepper, lookup in the in-process view. No
 * I/O. Whether the key may be used (revoked, expired, member removed, IP) is the permission
 * engine's call, made by ApiKeyGuard with the request's facts. Everything it uses is local to the
 * call: nothing is kept between requests.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  private readonly pepper: KeyObject;

  constructor(config: ConfigService<GatewayEnv, true>, private readonly views: AccessViewService) {
    super();
    this.pepper = pepperKey(config.get('API_KEY_PEPPER', { infer: true }));
  }

  /** passport-custom's verify: the key's record, or false (passport then fails the request). */
  validate(req: { headers: KeyHeaders }): KeyRecord | false | Promise<KeyRecord | false> {
    return this.lookup(req.headers) ?? false;
  }

  /** The presented key's record, or null for a missing, ambiguous, malformed (format or checksum) or unknown key. */
  lookup(headers: KeyHeaders): KeyRecord | null {
    const key = wellFormedKey(headers);
    return key === null ? null : (this.views.view.keyByHash(hashApiKey(key, this.pepper)) ?? null);
  }

  /** Whether the request presents one key of valid format and checksum (known or not). */
  presentsWellFormedKey(headers: KeyHeaders): boolean {
    return wellFormedKey(headers) !== null;
  }
}

function wellFormedKey(headers: KeyHeaders): string | null {
  const apiKey = headers['x-api-key'];
  const credential = readPresentedCredential(headers.authorization, Array.isArray(apiKey) ? apiKey.join(', ') : apiKey, { bareAuthorization: true });
  return credential.kind === 'token' && parseApiKey(credential.token) !== null ? credential.token : null;
}
