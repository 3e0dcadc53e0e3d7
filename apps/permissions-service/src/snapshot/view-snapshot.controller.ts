import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TOPICS } from '@sp/contracts';
import { VIEW_SNAPSHOT_MEDIA_TYPE, viewSnapshotLines } from '@sp/permissions';
import { ApiErrorResponses } from '@sp/platform';
import { InternalTokenGuard } from '../authorize/internal-token.guard';
import { ViewRepository } from '../view/view.repository';
import { SnapshotCacheService } from './snapshot-cache.service';

@ApiTags('internal')
@Controller('internal/v1/view')
export class ViewSnapshotController {
  constructor(
    private readonly repo: ViewRepository,
    private readonly cache: SnapshotCacheService,
  ) {}

  /**
   * The whole view with the offsets it reflects, for gateways starting without the log's history.
   * Offsets are read before the records, so the records are at least that fresh; a reader that
   * follows the topic from these offsets replays a few events it already has, which is harmless
   * (version-guarded, revocation monotonic). Served from the cached file while it is valid (see
   * SnapshotCacheService; `X-View-Snapshot-Created-At` then says when it was taken), else read from
   * the database.
   */
  @Get('snapshot')
  @UseGuards(InternalTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The materialized view and the access-topic offsets it reflects, as NDJSON' })
  @ApiResponse({
    status: 200,
    description:
      'First line {"offsets":{"<partition>":"<next offset>"}}, then one record per line as a JSON array: its kind, then its fields in a fixed order; orgId and a key\'s userId are the number of an earlier org or member line when that line is in the snapshot (see ViewSnapshotReader)',
    headers: { 'X-View-Snapshot-Created-At': { description: 'When the cached snapshot served was taken (absent: read from the database now)', schema: { type: 'string', format: 'date-time' } } },
    content: { [VIEW_SNAPSHOT_MEDIA_TYPE]: { schema: { type: 'string' } } },
  })
  @ApiErrorResponses({ 401: 'No valid internal bearer token: {"error":"unauthorized"}' })
  async snapshot(@Res() res: Response): Promise<void> {
    const cached = await this.cache.open();
    if (cached !== null) {
      res.status(200).type(VIEW_SNAPSHOT_MEDIA_TYPE).set({ 'content-length': String(cached.bytes), 'x-view-snapshot-created-at': cached.createdAt.toISOString() });
      await clientMayLeave(pipeline(cached.stream, res));
      return;
    }
    const offsets = await this.repo.offsets(TOPICS.accessEvents);
    res.status(200).type(VIEW_SNAPSHOT_MEDIA_TYPE);
    await clientMayLeave(pipeline(Readable.from(viewSnapshotLines(offsets, (kind) => this.repo.records(kind))), res));
  }
}

/** A reader that goes away mid-stream (a gateway stopped while it loads) is not a server error. */
async function clientMayLeave(streaming: Promise<void>): Promise<void> {
  try {
    await streaming;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}
