import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The developers' guide asks every test to read Prepare / Act / Assess, so that a newcomer sees at once
// what a test sets up, what it does and what it checks. This keeps each test file marked that way.

const ROOT = join(__dirname, '..', '..');

/** Every test file under `dir`. */
function testFilesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFilesOf(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A test: `it(`, `test(`, or their `.each` / `.skip` / `.only` / `.concurrent` forms, at a line's start. */
const TEST = /^\s*(?:it|test)(?:\.(?:each|skip|only|concurrent|failing))*\s*[(`]/m;
/** `// Act`, `// Act 2: …`, or `// Prepare, Act` where nothing is prepared apart from the act. */
const ACT = /^\s*\/\/ (?:Prepare, )?Act\b/m;
/** `// Assess`, `// Assess 2: …`. */
const ASSESS = /^\s*\/\/ Assess\b/m;

/** `file: what is missing` for each test file under test/ that has tests without the markers. */
function unmarkedTestFiles(): string[] {
  const unmarked: string[] = [];
  for (const file of testFilesOf(join(ROOT, 'test')).sort()) {
    const text = readFileSync(file, 'utf8');
    if (!TEST.test(text)) continue;
    const missing = [ACT.test(text) ? null : '// Act', ASSESS.test(text) ? null : '// Assess'].filter(
      (marker) => marker !== null,
    );
    if (missing.length > 0) unmarked.push(`${relative(ROOT, file)}: no ${missing.join(' and no ')}`);
  }
  return unmarked;
}

describe('the tests a newcomer reads', () => {
  it('marks what each test file does and checks with // Act and // Assess', () => {
    // Act
    const unmarked = unmarkedTestFiles();
    // Assess: each entry names a file to mark, as test/unit/transition.test.ts is.
    expect(unmarked).toEqual([]);
  });

  it('finds a test file without the markers, naming it', () => {
    // Prepare: the patterns this test reads files with, on a file that has a test and no markers.
    const unmarked = "it('works', () => {\n  expect(1).toBe(1);\n});\n";
    const marked =
      "it('works', () => {\n  // Act\n  const one = 1;\n  // Assess\n  expect(one).toBe(1);\n});\n";
    // Act
    const seen = [unmarked, marked].map((text) => [TEST.test(text), ACT.test(text), ASSESS.test(text)]);
    // Assess: both have a test; only the second has the markers.
    expect(seen).toEqual([
      [true, false, false],
      [true, true, true],
    ]);
  });
});
