import { connectorForUrl, sourceOverrides, statementTimeoutMsOf } from '../../../adapters/sql/connect';
import { explainCheck } from '../../../app/explain';
import { selectChecks } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import { messageOf } from '../../../core/errors';
import { engineOf } from '../../../core/model/config';
import { batchStatement } from '../../../core/sql';
import { type CliIo, EXIT } from '../io';
import { parseSourceFlags } from '../options';

/**
 * `stalewatch explain ID`: the SQL each check (or each check of a dataset) runs, and, for a source
 * reachable from here (`--source`, `STALEWATCH_SOURCE_<NAME>`), the plan the database would use and a
 * warning when a freshness column has no index on a large table.
 */
export async function explainCommand(
  io: CliIo,
  id: string,
  dir: string,
  sourceFlags?: readonly string[],
): Promise<number> {
  const config = await loadConfig({ dir, env: io.env });
  const checks = selectChecks(config, [id]);
  const overrides = sourceOverrides(config, io.env, parseSourceFlags(sourceFlags));
  for (const check of checks) {
    const engine = engineOf(config, check);
    io.stdout.write(
      `-- ${check.id} (source ${check.source}, ${engine})\n${batchStatement(engine, [check])};\n`,
    );
    const override = overrides[check.source];
    const source = config.settings.sources[check.source];
    if (override !== undefined && source) {
      try {
        const connector = connectorForUrl(check.source, override, {
          statementTimeoutMs: statementTimeoutMsOf(source),
        });
        const { plan, warnings } = await explainCheck(connector, check);
        io.stdout.write(`-- The database's plan:\n${plan.map((line) => `--   ${line}`).join('\n')}\n`);
        for (const warning of warnings) io.stdout.write(`-- Warning: ${warning}\n`);
      } catch (error) {
        io.stdout.write(`-- No plan: ${messageOf(error)}\n`);
      }
    }
    io.stdout.write('\n');
  }
  const bySource = new Map<string, typeof checks>();
  for (const check of checks) {
    const onSource = bySource.get(check.source);
    if (onSource) onSource.push(check);
    else bySource.set(check.source, [check]);
  }
  for (const [source, onSource] of bySource) {
    if (onSource.length < 2) continue;
    io.stdout.write(
      `-- Together, the checks above on source ${source} read each table once:\n` +
        `${batchStatement(engineOf(config, onSource[0] as (typeof onSource)[0]), onSource)};\n\n`,
    );
  }
  io.stdout.write(
    '-- In a run, all the checks of one source go into one such SELECT, one column per read of a table,\n' +
      '-- with guards that make it read-only and stop it at the source’s statementTimeout (docs/sources.md).\n' +
      (Object.keys(overrides).length === 0
        ? '-- With --source NAME=URL, explain also shows the plan the database would use.\n'
        : ''),
  );
  return EXIT.ok;
}
