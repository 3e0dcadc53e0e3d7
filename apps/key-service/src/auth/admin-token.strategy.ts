import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { secretsEqual } from '@sp/api-keys';
import type { Actor } from '@sp/contracts';
import type { KeyServiceEnv } from '../config/env.schema';

export const ADMIN_TOKEN_STRATEGY = 'admin-token';

/** `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time; anything else is 401. */
@Injectable()
export class AdminTokenStrategy extends PassportStrategy(Strategy, ADMIN_TOKEN_STRATEGY) {
  private readonly token: string;

  constructor(config: ConfigService<KeyServiceEnv, true>) {
    super();
    this.token = config.get('ADMIN_TOKEN', { infer: true });
  }

  validate(req: Request): Actor {
    const header = req.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (presented.length === 0 || !secretsEqual(presented, this.token)) {
      throw new UnauthorizedException({ error: 'unauthorized', message: 'a valid admin bearer token is required' });
    }
    return { type: 'admin', id: 'admin-token' };
  }
}
