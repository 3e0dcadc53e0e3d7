import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ORG_UPSERTED, type Actor } from '@sp/contracts';
import { notFound } from '../common/errors';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { Org, type OrgKeyPolicy } from './org.schema';

@Injectable()
export class OrgsService {
  constructor(
    @InjectModel(Org.name) private readonly orgs: Model<Org>,
    private readonly writer: AggregateWriter,
  ) {}

  async upsert(orgId: string, name: string, actor: Actor) {
    let created = false;
    const result = await this.writer.write(this.orgs, orgId, orgId, (current, version) => {
      if (current && current.name === name) return null;
      created = current === null;
      const now = new Date();
      return {
        set: { name, updatedAt: now, ...(current ? {} : { createdAt: now }) },
        event: buildEvent(ORG_UPSERTED, { orgId, aggregateId: orgId, aggregateVersion: version, actor }, { name }),
      };
    });
    return { created, org: toOrgResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** Sets the org's key policy as a whole; keys already issued keep their settings. */
  async setKeyPolicy(orgId: string, policy: OrgKeyPolicy) {
    const res = await this.orgs.updateOne({ _id: orgId }, { $set: { keyPolicy: policy, updatedAt: new Date() } }).exec();
    if (res.matchedCount === 0) throw notFound(`org ${orgId}`);
    return { orgId, keyPolicy: policy };
  }

  async require(orgId: string): Promise<Org> {
    const org = await this.orgs.findById(orgId).lean<Org>().exec();
    if (!org) throw notFound(`org ${orgId}`);
    return org;
  }
}

export function toOrgResponse(org: Org) {
  return {
    id: org._id,
    name: org.name,
    version: org.version,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
    keyPolicy: { maxLifetimeDays: org.keyPolicy?.maxLifetimeDays ?? null, orgKeyMaxAccess: org.keyPolicy?.orgKeyMaxAccess ?? null },
  };
}
