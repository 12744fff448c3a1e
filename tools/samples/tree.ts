import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (path → content) into a fresh temporary folder and returns the folder. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stalewatch-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
