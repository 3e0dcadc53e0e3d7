import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MEMBER_REMOVED, MEMBER_UPSERTED, memberAggregateId, type Actor, type OrgRole, type PageRole } from '@sp/contracts';
import { validationError } from '@sp/platform';
import { notFound } from '../common/errors';
import { OrgsService } from '../orgs/orgs.service';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { StatusPagesService } from '../status-pages/status-pages.service';
import { Member } from './member.schema';
import type { UpsertMemberRequest } from './upsert-member.request.dto';

@Injectable()
export class MembersService {
  constructor(
    @InjectModel(Member.name) private readonly members: Model<Member>,
    private readonly orgs: OrgsService,
    private readonly pages: StatusPagesService,
    private readonly writer: AggregateWriter,
  ) {}

  async upsert(orgId: string, userId: string, body: UpsertMemberRequest, actor: Actor) {
    await this.orgs.require(orgId);
    const role: OrgRole | null = body.role ?? null;
    const pageRoles = Object.entries(body.pageRoles ?? {})
      .map(([pageId, r]) => ({ pageId, role: r as PageRole }))
      .sort((a, b) => a.pageId.localeCompare(b.pageId));
    const unknown = await this.pages.unknownPages(orgId, pageRoles.map((p) => p.pageId));
    if (unknown.length > 0) {
      throw validationError(unknown.map((id) => ({ field: `pageRoles.${id}`, reason: `${id} is not a status page of org ${orgId}` })));
    }
    const id = memberAggregateId(orgId, userId);
    let created = false;
    const result = await this.writer.write(this.members, id, orgId, (current, version) => {
      if (current && !current.removed && current.role === role && samePageRoles(current.pageRoles, pageRoles)) return null;
      created = current === null || current.removed;
      const now = new Date();
      return {
        set: { orgId, userId, role, pageRoles, removed: false, updatedAt: now, ...(current ? {} : { createdAt: now }) },
        event: buildEvent(MEMBER_UPSERTED, { orgId, aggregateId: id, aggregateVersion: version, actor }, { userId, role, pageRoles }),
      };
    });
    return { created, member: toMemberResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** Removes the user from the org (idempotent): every user key of theirs in the org stops at once. */
  async remove(orgId: string, userId: string, actor: Actor) {
    const id = memberAggregateId(orgId, userId);
    const result = await this.writer.write(this.members, id, orgId, (current, version) => {
      if (!current) throw notFound(`member ${userId} of org ${orgId}`);
      if (current.removed) return null;
      return {
        set: { removed: true, updatedAt: new Date() },
        event: buildEvent(MEMBER_REMOVED, { orgId, aggregateId: id, aggregateVersion: version, actor }, { userId }),
      };
    });
    return { member: toMemberResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** The membership (active or removed), or null. */
  find(orgId: string, userId: string): Promise<Member | null> {
    return this.members.findById(memberAggregateId(orgId, userId)).lean<Member>().exec();
  }

  /** The active membership, or 404. */
  async requireActive(orgId: string, userId: string): Promise<Member> {
    const member = await this.members.findById(memberAggregateId(orgId, userId)).lean<Member>().exec();
    if (!member || member.removed) throw notFound(`member ${userId} of org ${orgId}`);
    return member;
  }
}

function samePageRoles(a: { pageId: string; role: string }[], b: { pageId: string; role: string }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.pageId === b[i].pageId && x.role === b[i].role);
}

/** Whether a membership holds the owner role, at org level or on any page. */
export function holdsOwner(m: { role: OrgRole | null; pageRoles: { role: PageRole }[] } | null): boolean {
  return m !== null && (m.role === 'owner' || m.pageRoles.some((p) => p.role === 'owner'));
}

export function toMemberResponse(m: Member) {
  return {
    orgId: m.orgId,
    userId: m.userId,
    role: m.role,
    pageRoles: Object.fromEntries(m.pageRoles.map((p) => [p.pageId, p.role])),
    removed: m.removed,
    version: m.version,
  };
}
