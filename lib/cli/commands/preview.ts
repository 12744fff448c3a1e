import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alertsByContact,
  digestAlerts,
  eventsFromEmptyState,
  previewFiles,
  previews,
} from '../../alerts/preview';
import { UsageError } from '../../errors';
import type { CliIo } from '../io';
import { exitCodeOf, type RunFlags, runOnce } from './run';

export interface PreviewFlags extends RunFlags {
  out?: string;
  digest?: boolean;
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
  const { config, report } = await runOnce(io, flags);
  const byContact = flags.digest
    ? digestAlerts(config, report)
    : alertsByContact(config, eventsFromEmptyState(config, report), report.now);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const preview of previews(byContact)) {
    for (const [name, content] of Object.entries(previewFiles(preview))) {
      writeFileSync(join(out, name), content);
      written.push(join(out, name));
    }
  }
  io.stdout.write(
    written.length > 0
      ? `Wrote ${written.length} files for ${byContact.size} contact(s) in ${out}:\n${written.map((w) => `  ${w}`).join('\n')}\n` +
          'Open a *.slack-links.txt link to see a message in Slack’s Block Kit Builder.\n'
      : `Nobody would hear anything from this run; nothing written to ${out}.\n`,
  );
  return exitCodeOf(report);
}
