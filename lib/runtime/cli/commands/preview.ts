import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alertsByContact,
  digestAlerts,
  eventsFromEmptyState,
  previewFiles,
  previews,
} from '../../../app/preview';
import { loadConfig } from '../../../config/load';
import { alarmPreview } from '../../../core/alarms/preview';
import { UsageError } from '../../../core/errors';
import type { CliIo } from '../io';
import { parseNow } from '../options';
import { exitCodeOf, type RunFlags, runOnce } from './run';

/**
 * The folder `--out` names, made when missing. `--out` is a folder (several files go in it: SPEC.md
 * "CLI"); a file, or a folder that cannot be made, is a usage error that says which.
 */
export function makeOutFolder(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(
      `--out ${out} is a file — give a folder for the files to be written to (it is made if missing), e.g. --out preview`,
    );
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'an error';
    throw new UsageError(`--out ${out} could not be made (${code}) — give a folder you can write to`);
  }
}

/** The options of `stalewatch preview`. */
export interface PreviewFlags extends RunFlags {
  out?: string;
  digest?: boolean;
  /** CloudWatch alarm events (JSON files): preview what they would send instead of running checks. */
  alarmEvent?: string[];
}

/**
 * `stalewatch preview`: runs the checks as `run` does and writes, without sending, the messages the run
 * would send from an empty state (or, with --digest, the digests), one set of files per contact.
 */
export async function previewCommand(io: CliIo, flags: PreviewFlags): Promise<number> {
  const out = flags.out;
  if (!out) {
    throw new UsageError(
      'preview writes the messages as files for you to open: give it a folder, e.g. stalewatch preview --out preview/',
    );
  }
  if (flags.format === 'json') {
    throw new UsageError(
      'preview writes message files (Slack JSON, email HTML and text), so --format does not apply; for the results as JSON, run: stalewatch run --format json',
    );
  }
  if (flags.alarmEvent && flags.alarmEvent.length > 0) {
    const config = await loadConfig({ dir: flags.checks, env: io.env });
    const now = flags.now ? parseNow(flags.now, config.settings.timezone) : io.clock();
    const events = flags.alarmEvent.map((file) => readEventFile(file));
    const { byContact, lines } = alarmPreview(config, events, now);
    io.stdout.write(`${lines.join('\n')}\n`);
    writeAll(io, out, byContact, Boolean(config.settings.slackApp));
    return 0;
  }
  const { config, report } = await runOnce(io, flags);
  const byContact = flags.digest
    ? digestAlerts(config, report)
    : alertsByContact(config, eventsFromEmptyState(config, report), report.now, { report });
  writeAll(io, out, byContact, Boolean(config.settings.slackApp));
  return exitCodeOf(report);
}

/** An alarm event from a file: JSON as EventBridge delivers it (AWS's samples, or `aws events` output). */
function readEventFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--alarm-event ${file} is not a readable JSON event: ${(error as Error).message}`);
  }
}

/** Writes each contact's preview files and says what was written. */
function writeAll(
  io: CliIo,
  out: string,
  byContact: ReturnType<typeof alertsByContact>,
  buttons = false,
): void {
  const flags = { out };
  makeOutFolder(flags.out);
  const written: string[] = [];
  for (const preview of previews(byContact, { buttons })) {
    for (const [name, content] of Object.entries(previewFiles(preview))) {
      writeFileSync(join(flags.out, name), content);
      written.push(join(flags.out, name));
    }
  }
  io.stdout.write(
    written.length > 0
      ? `Wrote ${written.length} files for ${byContact.size} contact(s) in ${flags.out}:\n${written.map((w) => `  ${w}`).join('\n')}\n` +
          'Open a *.slack-links.txt link to see a message in Slack’s Block Kit Builder.\n' +
          (written.some((w) => w.endsWith('.teams.json'))
            ? 'Paste a card from a *.teams.json file (its attachments[].content) into adaptivecards.microsoft.com/designer to see it as Teams shows it.\n'
            : '')
      : `Nobody would hear anything from this run; nothing written to ${flags.out}.\n`,
  );
}
