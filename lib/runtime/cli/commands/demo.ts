import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sampleAlarmEvents } from '../../../../tools/demo/alarms';
import { localPipeline } from '../../../../tools/demo/pipeline';
import { sampleSql } from '../../../../tools/demo/sample';
import { connectorForUrl } from '../../../adapters/sql/connect';
import { alertsByContact, type PreviewContext, previewFiles, previews, storyIn } from '../../../app/preview';
import { loadConfig } from '../../../config/load';
import { alarmPreview } from '../../../core/alarms/preview';
import { type EventEntry, RUN_COMPLETED } from '../../../core/events/types';
import type { Acknowledgement } from '../../../core/loop/acknowledgement';
import { type DatasetNow, datasetNow } from '../../../core/loop/cause';
import type { Config } from '../../../core/model/config';
import type { RunReport } from '../../../core/model/run';
import { resultMessage } from '../../../core/report/message';
import { formatTextReport } from '../../../core/report/text';
import { formatLocal } from '../../../core/time/zone';
import type { CliIo } from '../io';
import { parseNow } from '../options';

/**
 * The folder of the repository this code runs from: the nearest one up with a package.json. Found, not
 * counted, because the same code runs from `lib/runtime/cli/commands` (tests, tsx) and from the
 * compiled `dist/cli.js` (`npx stalewatch`).
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** The checks the service ships with, which the demo runs. */
export const SHIPPED_CHECKS = join(packageRoot(__dirname), 'checks');

const MINUTE = 60_000;

/** Where the demo writes its previews, relative to the working directory. */
export const PREVIEW_DIR = 'preview';

function writePreviews(
  config: Parameters<typeof alertsByContact>[0],
  events: readonly EventEntry[],
  alarms: ReturnType<typeof alarmPreview>['byContact'],
  now: Date,
  preview: PreviewContext,
): string[] {
  mkdirSync(PREVIEW_DIR, { recursive: true });
  const byContact = alertsByContact(config, events, now, preview);
  for (const [id, { contact, alerts }] of alarms) {
    const entry = byContact.get(id) ?? { contact, alerts: [] };
    entry.alerts.push(...alerts);
    byContact.set(id, entry);
  }
  return previews(byContact, { buttons: Boolean(config.settings.slackApp) }).flatMap((preview) =>
    Object.entries(previewFiles(preview)).map(([name, content]) => {
      writeFileSync(join(PREVIEW_DIR, name), content);
      return join(PREVIEW_DIR, name);
    }),
  );
}

/**
 * Each event of a run, whom it goes to, and what notify makes of it: told as part of its cause's story,
 * or not sent (someone is on it; its cause is still stale).
 */
function eventLines(
  events: readonly EventEntry[],
  config: Config,
  report: RunReport,
  acks: ReadonlyMap<string, Acknowledgement>,
  datasets: ReadonlyMap<string, DatasetNow>,
): string[] {
  if (events.length === 0)
    return ['  (nothing new to say: a dataset that stays stale is silent until its reminder is due)'];
  const titleOf = (id: string) => config.datasets.find((d) => d.id === id)?.title ?? id;
  const keys = new Map<string, string>();
  return events.flatMap((e) => {
    if (e.detailType === RUN_COMPLETED) return [];
    const d = e.detail;
    const line = `  ${e.detailType.padEnd(20)} ${d.title} · ${d.checkId.split('/')[1]} → ${d.owners.join(', ')}`;
    const ack = acks.get(d.dataset);
    if (ack && d.transition === 'still-stale') return `${line} (not sent: ${ack.by} is on it)`;
    const story = storyIn(config, datasets, e, report.now);
    if (story && !story.tell) return `${line} (not sent: waiting on ${story.cause?.title})`;
    const first = story?.key ? keys.get(story.key) : undefined;
    if (first) return `${line} (in the same message as ${first}: one per dataset)`;
    if (story?.key) keys.set(story.key, d.checkId.split('/')[1] ?? d.checkId);
    if (story?.cause) return `${line} (told as part of ${story.cause.title}'s story)`;
    if (story && story.affected.length > 0)
      return `${line} (lists ${story.affected.map((a) => titleOf(a.id)).join(', ')})`;
    return line;
  });
}

/**
 * What the activity checks (tables with no timestamp column) said in a run: with the state of the runs
 * before, "has not changed since …".
 */
function activityLines(report: RunReport, zone: string): string {
  const lines = report.results
    .filter((r) => r.check.kind === 'activity')
    .map((r) => `  ${r.status.toUpperCase().padEnd(5)} ${resultMessage(r, zone, report.now)}`);
  return lines.length
    ? `\nTables with no timestamp column, judged by whether they changed since the first run:\n${lines.join('\n')}\n`
    : '';
}

/** Each dataset as the state table has it after a run: what notify reads to tell one story per cause. */
async function storedDatasets(config: Config, pipeline: Awaited<ReturnType<typeof localPipeline>>) {
  const states = await pipeline.checkStates(config.checks.map((c) => c.id));
  return new Map(config.datasets.map((d) => [d.id, datasetNow(d, states)]));
}

/**
 * `stalewatch demo`: the shipped checks against sample data in the embedded database, through the same
 * code path as the deployed service (state in an in-process DynamoDB, events in memory): the report of
 * a first run and the events it publishes, then what a run 15 minutes later and a day later add.
 */
export async function demoCommand(io: CliIo, flags: { now?: string } = {}): Promise<number> {
  const config = await loadConfig({ dir: SHIPPED_CHECKS, env: io.env });
  const now = flags.now ? parseNow(flags.now, config.settings.timezone) : io.clock();
  io.stderr.write('Starting the embedded database and loading sample data…\n');
  const db = await PGlite.create();
  const pipeline = await localPipeline();
  try {
    await db.exec(sampleSql(now));
    const connectors = { tis: connectorForUrl('tis', db), warehouse: connectorForUrl('warehouse', db) };
    const zone = config.settings.timezone;

    // Someone saw the sync fail before Stalewatch said so, and said they are on it, as
    // `stalewatch ack nightly-sync --by "Jane Smith"` (or Slack's "I'm on it") records it.
    const onIt = await pipeline.acknowledgements.acknowledge({
      dataset: 'nightly-sync',
      by: 'Jane Smith',
      slackUserId: null,
      at: new Date(now.getTime() - 5 * MINUTE).toISOString(),
      via: 'cli',
    });
    const acks = await pipeline.acknowledgements.current(config.datasets.map((d) => d.id));
    const first = await pipeline.run(config, connectors, now, io.newRunId());
    io.stdout.write(formatTextReport(first.report, config));
    io.stdout.write(
      `\nBefore this run, ${onIt.current.by} said she is on Nightly ESR sync, at ${formatLocal(new Date(onIt.current.at), zone, now)} (stalewatch ack nightly-sync --by "Jane Smith").\n`,
    );
    io.stdout.write(
      `\nEvents this run publishes (what alerts are made from):\n${eventLines(first.events, config, first.report, acks, await storedDatasets(config, pipeline)).join('\n')}\n`,
    );

    const later = new Date(now.getTime() + 15 * MINUTE);
    const second = await pipeline.run(config, connectors, later, io.newRunId());
    io.stdout.write(
      `\nThe next run, ${formatLocal(later, zone, now)}:\n${eventLines(second.events, config, second.report, acks, await storedDatasets(config, pipeline)).join('\n')}\n`,
    );

    const tomorrow = new Date(now.getTime() + 24 * 60 * MINUTE);
    const third = await pipeline.run(config, connectors, tomorrow, io.newRunId());
    io.stdout.write(
      `\nA day later, ${formatLocal(tomorrow, zone, now)}, when reminders are due:\n${eventLines(third.events, config, third.report, acks, await storedDatasets(config, pipeline)).join('\n')}\n`,
    );
    io.stdout.write(activityLines(third.report, zone));
    // The seed's other two sample problems, "the app is down" and "resource usage is nearing its limit":
    // CloudWatch alarm events, worded through the alarm files in checks/alarms/.
    const alarms = alarmPreview(config, sampleAlarmEvents(now), now);
    io.stdout.write(
      `\nCloudWatch alarms going off (checks/alarms/; in the service, notify takes them from the default bus):\n${alarms.lines.join('\n')}\n`,
    );
    const written = writePreviews(config, first.events, alarms.byContact, now, {
      report: first.report,
      acknowledgements: acks,
    });
    io.stdout.write(
      `\nThe messages of the first run and of the alarms, as each contact would get them (not sent), are in ${PREVIEW_DIR}/:\n` +
        `${written.map((f) => `  ${f}`).join('\n')}\n` +
        'That was the shipped checks/ folder on sample data. Next: npx stalewatch run --source tis=postgres://…\n',
    );
  } finally {
    await pipeline.stop();
    await db.close();
  }
  return 0;
}
