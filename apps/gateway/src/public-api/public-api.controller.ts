import { Controller, Header, Req, RequestMapping, RequestMethod, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readablePages, type KeyRecord, type MemberRecord, type PageRecord } from '@sp/permissions';
import type { AccessContext } from '../auth/access-context';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { notFound } from '../errors/public-errors';
import { PolicyOf } from '../policy/policy.metadata';
import { PolicyOpenApi } from '../policy/policy.openapi';
import { POLICY_TABLE, type Policy } from '../policy/policy.table';
import { AccessViewService } from '../view/access-view.service';
import { UpstreamForwarder } from './upstream.forwarder';

/** One entry of `GET /v1/status-pages`. */
export interface StatusPageItem {
  id: string;
  name: string | null;
}

/**
 * The public API: one route per row of the policy table (added below from the table, so the
 * table stays the one declarative source), each carrying its row as metadata for ApiKeyGuard.
 * A route that is not in the table does not exist (404). An allowed request is answered from the
 * view (the page list, the members) or forwarded to status-page-api.
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class PublicApiController {
  /** Per key record: the page list answered last, as JSON (the answer's bytes, so not serialised again). */
  private readonly readableMemo = new WeakMap<KeyRecord, { member: MemberRecord | null; pages: readonly PageRecord[]; json: string }>();

  constructor(private readonly views: AccessViewService, private readonly upstream: UpstreamForwarder) {}

  /** `GET /v1/status-pages`: the pages this key can read (StatusPageItem[], as JSON). */
  statusPages(req: FastifyRequest): string {
    const { key, member, at, clientIp } = accessOf(req);
    const pages = this.views.view.pagesOfOrg(key.orgId);
    // The view's records and page lists are frozen and replaced on every change: the same key,
    // member and page list (by identity) give the same pages. The clock and address only matter to
    // the principal check, which the guard made on this request.
    const memo = this.readableMemo.get(key);
    if (memo !== undefined && memo.member === member && memo.pages === pages) return memo.json;
    const readable: StatusPageItem[] = readablePages(key, member, pages, at, clientIp).map((p) => ({ id: p.pageId, name: p.name }));
    const json = JSON.stringify(readable);
    this.readableMemo.set(key, { member, pages, json });
    return json;
  }

  /** `GET /v1/orgs/:orgId/members`. */
  members(req: FastifyRequest): unknown[] {
    const { key } = accessOf(req);
    return this.views.view.membersOfOrg(key.orgId).map((m) => ({
      userId: m.userId,
      role: m.role,
      pageRoles: Object.fromEntries(m.pageRoles.map((p) => [p.pageId, p.role])),
    }));
  }

  /** Every other route: status-page-api answers. */
  forward(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    return this.upstream.forward(req, reply, accessOf(req));
  }
}

function accessOf(req: FastifyRequest): AccessContext {
  if (req.access === null || req.access.decision !== 'allow') throw notFound(); // never reached past the guard
  return req.access;
}

/** A handler name per row, e.g. `GET /v1/status-pages/:pageId/incidents/:id` -> `get_v1_status_pages_pageId_incidents_id`. */
function handlerName(policy: Policy): string {
  return `${policy.method.toLowerCase()}${policy.path.replace(/[/:-]+/g, '_')}`;
}

for (const policy of POLICY_TABLE) {
  const proto = PublicApiController.prototype as unknown as Record<string, unknown>;
  const name = handlerName(policy);
  const handler =
    policy.answer === 'view:status-pages'
      ? function (this: PublicApiController, req: FastifyRequest) {
          return this.statusPages(req);
        }
      : policy.answer === 'view:members'
        ? function (this: PublicApiController, req: FastifyRequest) {
            return this.members(req);
          }
        : function (this: PublicApiController, req: FastifyRequest, reply: FastifyReply) {
            return this.forward(req, reply);
          };
  Object.defineProperty(handler, 'name', { value: name });
  Object.defineProperty(proto, name, { value: handler, writable: true, configurable: true });
  const descriptor = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
  Req()(proto, name, 0);
  if (policy.answer === 'upstream') Res()(proto, name, 1);
  const decorators: MethodDecorator[] = [
    RequestMapping({ path: policy.path, method: RequestMethod[policy.method] }),
    PolicyOf(policy),
    PolicyOpenApi(policy),
  ];
  if (policy.answer !== 'upstream') decorators.push(Header('cache-control', 'no-store'));
  // Answered as JSON text already (statusPages): Fastify sends a string with a JSON type as it is.
  if (policy.answer === 'view:status-pages') decorators.push(Header('content-type', 'application/json; charset=utf-8'));
  for (const decorate of decorators) decorate(proto, name, descriptor);
  Reflect.defineMetadata('design:paramtypes', policy.answer === 'upstream' ? [Object, Object] : [Object], proto, name);
}
