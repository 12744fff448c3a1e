import { selectChecks } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import { engineOf } from '../../../core/model/config';
import { batchStatement } from '../../../core/sql';
import { type CliIo, EXIT } from '../io';

/** `stalewatch explain ID`: the SQL each check (or each check of a dataset) runs. */
export async function explainCommand(io: CliIo, id: string, dir: string): Promise<number> {
  const config = await loadConfig({ dir, env: io.env });
  for (const check of selectChecks(config, [id])) {
    const engine = engineOf(config, check);
    io.stdout.write(
      `-- ${check.id} (source ${check.source}, ${engine})\n${batchStatement(engine, [check])};\n\n`,
    );
  }
  io.stdout.write(
    '-- In a run, all the checks of one source go into one such SELECT, one column per check, with guards\n' +
      '-- that make it read-only and stop it at the source’s statementTimeout (docs/sources.md).\n',
  );
  return EXIT.ok;
}
