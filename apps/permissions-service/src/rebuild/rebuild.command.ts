/**
 * `npm run rebuild-view -- [--from source|topic|snapshot] [--restore <db> | --keep]` (USAGE in
 * rebuild.options.ts): rebuilds the permissions-service's view into an empty database, from
 * key-service's database (the source of truth), the access topic or a running service's snapshot,
 * and either compares it with the live view or keeps it for a permissions-service to use.
 * Exit 0 equal (or restored), 2 different, 3 the mode cannot rebuild here, 1 any other error.
 */
import { EventSigner } from '@sp/platform';
import { HistoryUnavailableError, rebuildView, restoreView, type ViewSource } from './rebuild-view';
import { parseRebuildSettings, USAGE, UsageError, type RebuildSettings } from './rebuild.options';

function sourceOf(s: RebuildSettings): ViewSource {
  switch (s.from) {
    case 'source':
      return { from: 'source', brokers: s.kafka, mongoUri: s.MONGODB_URI, keyServiceDb: s.KEY_SERVICE_DB };
    case 'topic':
      return { from: 'topic', brokers: s.kafka, signer: new EventSigner(s.EVENT_SIGNING_KEYS as Record<string, string>), timeoutMs: s.REBUILD_TIMEOUT_MS };
    case 'snapshot':
      return { from: 'snapshot', permissionsUrl: s.PERMISSIONS_URL, internalToken: s.INTERNAL_TOKEN as string };
  }
}

async function main(): Promise<number> {
  const settings = parseRebuildSettings(process.argv.slice(2), process.env);
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const source = sourceOf(settings);
  if (settings.restore !== undefined) {
    const report = await restoreView(source, settings.MONGODB_URI, settings.restore);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stderr.write(
      `restored the view from ${settings.from} into ${report.db}: ${JSON.stringify(report.written)}, offsets ${JSON.stringify(report.offsets)}.\n` +
        `Serve it: start a permissions-service with PERMISSIONS_DB=${report.db} (and a consumer group of its own, PERMISSIONS_GROUP, unless the old instance is stopped); it tails the topic from those offsets.\n`,
    );
    return 0;
  }
  const report = await rebuildView({ mongoUri: settings.MONGODB_URI, liveDb: settings.PERMISSIONS_DB, source, keep: settings.keep });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
  if (report.equal) {
    process.stderr.write(`rebuild from ${settings.from} == live view ${settings.PERMISSIONS_DB}: ${JSON.stringify(report.counts.live)}\n`);
    return 0;
  }
  process.stderr.write(`rebuild from ${settings.from} != live view ${settings.PERMISSIONS_DB} (live ${JSON.stringify(report.counts.live)}, rebuilt ${JSON.stringify(report.counts.rebuilt)}):\n`);
  for (const d of report.differences) {
    process.stderr.write(`  ${d.kind} ${d.id}${d.pending ? ' (key-service has not published its latest change yet)' : ''}\n    live:    ${JSON.stringify(d.live)}\n    rebuilt: ${JSON.stringify(d.rebuilt)}\n`);
  }
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof HistoryUnavailableError) process.stderr.write(`rebuild from the topic cannot be complete: ${err.message}\n`);
    else process.stderr.write(`rebuild failed: ${err.message}\n`);
    process.exit(err instanceof UsageError ? 1 : err instanceof HistoryUnavailableError ? 3 : 1);
  },
);
