import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'stalewatch.js');

/** The environment of a user's shell, without this machine's overrides of sources and AWS endpoints. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([k]) => !k.startsWith('STALEWATCH_SOURCE_') && !k.startsWith('AWS_'),
  );
  return { ...Object.fromEntries(kept), ...extra };
}

/** Runs the real `stalewatch` command as a user would. */
export function stalewatch(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking this process: for when the test itself serves something the CLI calls. */
export function stalewatchAsync(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    // A CLI that hangs (reading a pipe, say) is killed rather than holding the suite forever.
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
