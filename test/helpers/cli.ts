import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'stalewatch.js');

/** Runs the real `stalewatch` command as a user would, with a clean set of source overrides. */
export function stalewatch(args: string[], env: Record<string, string> = {}) {
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('STALEWATCH_SOURCE_')),
  );
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...cleanEnv, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
