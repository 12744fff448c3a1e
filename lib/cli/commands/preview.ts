import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
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

export interface PreviewFlags extends RunFlags {
  out: string;
  digest?: boolean;
}

/**
 * `stalewatch preview`: runs the checks as `run` does and writes, without sending, the messages the run
 * would send from an empty state (or, with --digest, the digests), one set of files per contact.
 */
export async function previewCommand(io: CliIo, flags: PreviewFlags): Promise<number> {
  const { config, report } = await runOnce(io, flags);
  const byContact = flags.digest
    ? digestAlerts(config, report)
    : alertsByContact(config, eventsFromEmptyState(config, report), report.now);
  makeOutFolder(flags.out);
  const written: string[] = [];
  for (const preview of previews(byContact)) {
    for (const [name, content] of Object.entries(previewFiles(preview))) {
      writeFileSync(join(flags.out, name), content);
      written.push(join(flags.out, name));
    }
  }
  io.stdout.write(
    written.length > 0
      ? `Wrote ${written.length} files for ${byContact.size} contact(s) in ${flags.out}:\n${written.map((w) => `  ${w}`).join('\n')}\n` +
          'Open a *.slack-links.txt link to see a message in Slack’s Block Kit Builder.\n'
      : `Nobody would hear anything from this run; nothing written to ${flags.out}.\n`,
  );
  return exitCodeOf(report);
}
