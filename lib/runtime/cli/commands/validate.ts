import { loadConfig } from '../../../config/load';
import { type CliIo, EXIT } from '../io';

/** `stalewatch validate`: every config file checked; problems go to stderr (the caller prints them). */
export async function validateCommand(io: CliIo, dir: string): Promise<number> {
  const config = await loadConfig({ dir, env: io.env });
  for (const warning of config.warnings) io.stderr.write(`note: ${warning}\n`);
  const datasets = config.datasets.length;
  io.stdout.write(
    `${dir} is valid: ${datasets} dataset${datasets === 1 ? '' : 's'}, ${config.checks.length} check${config.checks.length === 1 ? '' : 's'}, ` +
      `${Object.keys(config.settings.sources).length} source(s)` +
      (config.alarms.length > 0
        ? `, ${config.alarms.length} alarm file${config.alarms.length === 1 ? '' : 's'}.\n`
        : '.\n'),
  );
  return EXIT.ok;
}
