import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from '@swc/core';

// TypeScript 7 (the compiler this project type-checks with) is native and has no stable JavaScript API
// to walk a file's syntax; SWC, which already compiles the tests, parses TypeScript and gives each
// declaration's position, and the doc comment is read from the text right before it.

const ROOT = join(__dirname, '..', '..');

/** Every TypeScript file under lib/. */
function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

type Named = { value: string };
type Declaration = {
  type: string;
  identifier?: Named;
  id?: Named;
  declarations?: Array<{ id: Named & { type: string } }>;
};

/** The names an exported declaration introduces. */
function namesOf(declaration: Declaration): string[] {
  if (declaration.declarations) return declaration.declarations.map((d) => d.id.value ?? d.id.type);
  return [(declaration.identifier ?? declaration.id)?.value ?? 'default'];
}

/** True when the text before a declaration ends with a doc comment (`/** … *\/`, not `/* … *\/` or `//`). */
function endsWithDocComment(before: string): boolean {
  // Line comments between the doc and the declaration (`// biome-ignore …`) do not hide it.
  let text = before.trimEnd();
  while (/\n[ \t]*\/\/[^\n]*$/.test(text)) text = text.replace(/\n[ \t]*\/\/[^\n]*$/, '').trimEnd();
  if (!text.endsWith('*/')) return false;
  const opening = text.lastIndexOf('/**');
  // The comment that ends here opens at the last `/**` only if nothing closes in between.
  return opening >= 0 && !text.slice(opening + 3, -2).includes('*/');
}

/** `file:line name` of each exported declaration in lib/ without a doc comment. */
function undocumentedExports(): string[] {
  const missing: string[] = [];
  for (const file of sourcesOf(join(ROOT, 'lib'))) {
    const bytes = readFileSync(file);
    const module = parseSync(bytes.toString('utf8'), { syntax: 'typescript', comments: true });
    let previous = '';
    for (const item of module.body) {
      // Re-exports (`export { x } from`, `export type { X }`) are documented where they are declared.
      if (item.type !== 'ExportDeclaration' && item.type !== 'ExportDefaultDeclaration') continue;
      const declaration =
        (item as unknown as { declaration?: Declaration; decl?: Declaration }).declaration ??
        (item as unknown as { decl: Declaration }).decl;
      const names = namesOf(declaration);
      // SWC's spans are 1-based byte offsets.
      const start = item.span.start - 1;
      const before = bytes.subarray(0, start).toString('utf8');
      // An overload's later signatures share the first one's doc.
      const overload = names.length === 1 && names[0] === previous;
      previous = names.join(',');
      if (overload || endsWithDocComment(before)) continue;
      const line = before.split('\n').length;
      for (const name of names) missing.push(`${relative(ROOT, file)}:${line} ${name}`);
    }
  }
  return missing;
}

describe('the code a newcomer reads', () => {
  it('documents every export of lib/ with a TSDoc comment', () => {
    // Prepare, Act
    const missing = undocumentedExports();
    // Assess: each entry is `file:line name` of an export to document.
    expect(missing).toEqual([]);
  });
});
