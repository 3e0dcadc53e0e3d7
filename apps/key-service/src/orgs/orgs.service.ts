import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ORG_UPSERTED, type Actor } from '@sp/contracts';
import { notFound } from '../common/errors';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { Org } from './org.schema';

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

  async require(orgId: string): Promise<Org> {
    const org = await this.orgs.findById(orgId).lean<Org>().exec();
    if (!org) throw notFound(`org ${orgId}`);
    return org;
  }
}

export function toOrgResponse(org: Org) {
  return { id: org._id, name: org.name, version: org.version, createdAt: org.createdAt, updatedAt: org.updatedAt };
}
