import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stalewatchAsync } from '../helpers/cli';
import { PLACEMENTS, SETTINGS } from '../helpers/tree';

/**
 * Issue 8, finding 7: config trees built to break `validate`, run through the real CLI. Each is refused
 * with its file, line, column and what to write (exit 2), or accepted and handled safely (exit 0); none
 * ends in a stack trace or exit 1, no output carries a raw control character, and no secret-looking
 * value in a tree comes back out. The `where` clause has its own tests (the SQL parser's).
 */

const SLACK_TOKEN = 'XkQ7rT2vB9mN4pL8sW3dF6hJ';
const WEBHOOK = `https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/${SLACK_TOKEN}`;
const PASSWORD = 'Tr0ub4dor-and-3';
const DB_URL = `postgres://admin:${PASSWORD}@db.internal.example.org:5432/tis`;

/** What a tree is made of beyond plain files: bytes, links, folders, pipes. */
type Entry = string | { bytes: Buffer } | { link: string } | { folder: true } | { fifo: true };

interface Case {
  name: string;
  files: Record<string, Entry>;
  env?: Record<string, string>;
  /** 2: refused; 0: accepted. */
  code: 0 | 2;
  /** For a refusal: the file (inside the tree), and what the located message says. */
  file?: string;
  says?: RegExp;
  /** Text that must not appear anywhere in the output. */
  secret?: string[];
}

/** The valid dataset with `from` replaced by `to`. */
const dataset = (from: string | RegExp, to: string) => PLACEMENTS.replace(from, to);
/** The valid settings with `from` replaced by `to`. */
const settings = (from: string | RegExp, to: string) => SETTINGS.replace(from, to);
/** The valid settings with lines added under notify:. */
const notify = (lines: string) => `${SETTINGS}${lines}`;
/** A tree of the valid settings and `files`. */
const tree = (files: Record<string, Entry>) => ({ 'stalewatch.yml': SETTINGS, ...files });
/** The valid dataset's check with a field changed. */
const check = (field: string, value: string) =>
  dataset(new RegExp(`      ${field}: .*\\n`), `      ${field}: ${value}\n`);

const BOMB = `dataset: placements
title: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
`;

const CASES: Case[] = [
  // YAML that attacks the parser
  {
    name: 'an alias bomb (billion laughs) in a dataset',
    files: tree({ 'placements.yml': BOMB }),
    code: 2,
    file: 'placements.yml',
    says: /aliases .* grow enormous/,
  },
  {
    name: 'an alias bomb in the settings',
    files: {
      'stalewatch.yml': `${SETTINGS}${BOMB.replace('dataset: placements\n', 'x: 1\n')}`,
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /aliases/,
  },
  {
    name: 'a list nested 5,000 deep',
    files: tree({ 'placements.yml': `dataset: [${'['.repeat(5000)}${']'.repeat(5000)}]\n` }),
    code: 2,
    file: 'placements.yml',
    says: /nested too deeply/,
  },
  {
    name: 'a duplicate key in a dataset',
    files: tree({ 'placements.yml': `${PLACEMENTS}title: Again\n` }),
    code: 2,
    file: 'placements.yml',
    says: /already in this map — keep one/,
  },
  {
    name: 'a duplicate key in the settings',
    files: { 'stalewatch.yml': `${SETTINGS}timezone: UTC\n`, 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /keep one of them/,
  },
  {
    name: 'a duplicate key inside a check',
    files: tree({
      'placements.yml': dataset('      warnAfter: 26h\n', '      warnAfter: 26h\n      warnAfter: 30h\n'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /keep one of them/,
  },
  {
    name: 'Latin-1 bytes (not UTF-8) in a title',
    files: tree({
      'placements.yml': { bytes: Buffer.from(dataset('Trainee placements', 'Stagiaires placés'), 'latin1') },
    }),
    code: 2,
    file: 'placements.yml',
    says: /is not UTF-8 text: byte 0xE9 .*save the file as UTF-8/,
  },
  {
    name: 'bytes that are not UTF-8 in the settings',
    files: {
      'stalewatch.yml': {
        bytes: Buffer.concat([Buffer.from(SETTINGS), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x0a])]),
      },
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /not UTF-8/,
  },
  {
    name: 'a UTF-8 byte-order mark (accepted)',
    files: tree({
      'placements.yml': { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLACEMENTS)]) },
    }),
    code: 0,
  },
  {
    name: 'a file saved as UTF-16',
    files: tree({
      'placements.yml': {
        bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PLACEMENTS, 'utf16le')]),
      },
    }),
    code: 2,
    file: 'placements.yml',
    says: /UTF-16 — save it as UTF-8/,
  },
  {
    name: 'a NUL byte',
    files: tree({ 'placements.yml': dataset('title: Trainee', 'title: Tra\u0000inee') }),
    code: 2,
    file: 'placements.yml',
    says: /control character \(U\+0000\)/,
  },
  {
    name: 'a raw escape character in the file',
    files: tree({ 'placements.yml': dataset('title: Trainee', 'title: \u001b[2JTrainee') }),
    code: 2,
    file: 'placements.yml',
    says: /control character \(U\+001B\)/,
  },
  {
    name: 'tabs for indentation',
    files: tree({ 'placements.yml': PLACEMENTS.replace('    freshness:', '\tfreshness:') }),
    code: 2,
    file: 'placements.yml',
    says: /indent with spaces|not valid YAML/,
  },
  {
    name: 'two documents in one file',
    files: tree({ 'placements.yml': `${PLACEMENTS}---\n${PLACEMENTS.replace('placements', 'other')}` }),
    code: 2,
    file: 'placements.yml',
    says: /more than one document/,
  },
  {
    name: 'a YAML syntax error (an unclosed quote)',
    files: tree({ 'placements.yml': dataset('title: Trainee placements', 'title: "Trainee placements') }),
    code: 2,
    file: 'placements.yml',
    says: /not valid YAML/,
  },
  {
    name: 'a !!binary tag',
    files: tree({ 'placements.yml': dataset('title: Trainee placements', 'title: !!binary aGVsbG8=') }),
    code: 2,
    file: 'placements.yml',
    says: /tag !!binary — write plain values/,
  },
  {
    name: 'a custom tag',
    files: tree({ 'placements.yml': dataset('title: Trainee placements', 'title: !secret placements') }),
    code: 2,
    file: 'placements.yml',
    says: /tag !secret/,
  },
  {
    name: 'a key that is a list',
    files: tree({ 'placements.yml': `${PLACEMENTS}? [a, b]\n: c\n` }),
    code: 2,
    file: 'placements.yml',
    says: /keys are plain names/,
  },
  {
    name: 'a __proto__ key',
    files: tree({ 'placements.yml': `${PLACEMENTS}__proto__: {polluted: true}\n` }),
    code: 2,
    file: 'placements.yml',
    says: /__proto__: is not a field here/,
  },
  {
    name: 'a constructor key in a check',
    files: tree({
      'placements.yml': dataset('      warnAfter: 26h\n', '      warnAfter: 26h\n      constructor: x\n'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /constructor: is not a field here/,
  },
  {
    name: 'anchors kept under an unknown x- key (refused as a field)',
    files: tree({
      'placements.yml': dataset(
        /checks:[\s\S]*$/,
        'x-limits: &limits\n  column: last_modified\n  warnAfter: 26h\nchecks:\n  - name: updated recently\n    freshness:\n      <<: *limits\n      failAfter: 50h\n',
      ),
    }),
    code: 2,
    file: 'placements.yml',
    says: /x-limits: is not a field here/,
  },
  {
    name: 'a merge key from an anchor inside the checks (accepted)',
    files: tree({
      'placements.yml': dataset(
        /checks:[\s\S]*$/,
        'checks:\n  - name: updated recently\n    freshness: &f\n      column: last_modified\n      warnAfter: 26h\n  - name: nightly\n    freshness:\n      <<: *f\n      dueBy: "0 7 * * 1-5"\n',
      ),
    }),
    code: 0,
  },
  {
    name: 'an alias reused for owners (accepted)',
    files: tree({
      'placements.yml': dataset('owner: placements-lead', 'owner: &o placements-lead\nsubscribers: [*o]'),
    }),
    code: 0,
  },
  {
    name: 'CRLF line endings (accepted)',
    files: tree({ 'placements.yml': PLACEMENTS.replaceAll('\n', '\r\n') }),
    code: 0,
  },

  // Files that are not what they seem
  {
    name: 'an empty dataset file',
    files: tree({ 'placements.yml': '' }),
    code: 2,
    file: 'placements.yml',
    says: /is empty — start with dataset:/,
  },
  {
    name: 'an empty settings file',
    files: { 'stalewatch.yml': '', 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /is empty — start with sources:/,
  },
  {
    name: 'a dataset file of comments only',
    files: tree({ 'placements.yml': '# to do\n' }),
    code: 2,
    file: 'placements.yml',
    says: /is empty/,
  },
  {
    name: 'a dataset file that is a YAML list',
    files: tree({ 'placements.yml': '- dataset: placements\n- title: x\n' }),
    code: 2,
    file: 'placements.yml',
    says: /must be a map of fields/,
  },
  {
    name: 'a dataset file that is a scalar',
    files: tree({ 'placements.yml': 'placements\n' }),
    code: 2,
    file: 'placements.yml',
    says: /must be a map of fields/,
  },
  {
    name: 'a settings file that is a list',
    files: { 'stalewatch.yml': '- timezone: UTC\n', 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /must be a map of fields/,
  },
  {
    name: 'a settings file that is a number',
    files: { 'stalewatch.yml': '42\n', 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /must be a map of fields/,
  },
  {
    name: 'a 2 MB file',
    files: tree({ 'placements.yml': `${PLACEMENTS}# ${'x'.repeat(2 * 1024 * 1024)}\n` }),
    code: 2,
    file: 'placements.yml',
    says: /is 2\.0 MB; a checks file is at most 1 MB/,
  },
  {
    name: 'a 20 MB string in a title',
    files: tree({
      'placements.yml': dataset('title: Trainee placements', `title: ${'a'.repeat(20 * 1024 * 1024)}`),
    }),
    code: 2,
    file: 'placements.yml',
    says: /is 20\.0 MB/,
  },
  {
    name: 'a 20 MB string in the settings',
    files: {
      'stalewatch.yml': settings('database: tis', `database: ${'t'.repeat(20 * 1024 * 1024)}`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /is 20\.0 MB/,
  },
  {
    name: 'a dataset file named stalewatch.yaml in a subfolder (read as a dataset)',
    files: tree({ 'team/stalewatch.yaml': PLACEMENTS }),
    code: 0,
  },
  {
    name: 'a settings file copied into a subfolder',
    files: tree({ 'placements.yml': PLACEMENTS, 'team/stalewatch.yml': SETTINGS }),
    code: 2,
    file: 'team/stalewatch.yml',
    says: /looks like a settings file, but settings are read only from stalewatch\.yml/,
  },
  {
    name: 'both stalewatch.yml and stalewatch.yaml',
    files: tree({ 'stalewatch.yaml': SETTINGS, 'placements.yml': PLACEMENTS }),
    code: 2,
    file: 'stalewatch.yaml',
    says: /second settings file/,
  },
  {
    name: 'no settings file, only stalewatch.yml in a subfolder',
    files: { 'team/stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /is missing/,
  },
  {
    name: 'a folder named x.yml holding a dataset (accepted)',
    files: tree({ 'x.yml/placements.yml': PLACEMENTS }),
    code: 0,
  },
  {
    name: 'an empty folder named x.yml (accepted)',
    files: tree({ 'placements.yml': PLACEMENTS, 'x.yml': { folder: true } }),
    code: 0,
  },
  {
    name: 'a named pipe called x.yml',
    files: tree({ 'placements.yml': PLACEMENTS, 'x.yml': { fifo: true } }),
    code: 2,
    file: 'x.yml',
    says: /not a regular file/,
  },
  {
    name: 'a symlink loop between two files',
    files: tree({ 'placements.yml': PLACEMENTS, 'a.yml': { link: 'b.yml' }, 'b.yml': { link: 'a.yml' } }),
    code: 2,
    file: 'a.yml',
    says: /leads back to itself/,
  },
  {
    name: 'a symlink to itself',
    files: tree({ 'placements.yml': PLACEMENTS, 'self.yml': { link: 'self.yml' } }),
    code: 2,
    file: 'self.yml',
    says: /leads back to itself/,
  },
  {
    name: 'a broken symlink',
    files: tree({ 'placements.yml': PLACEMENTS, 'gone.yml': { link: 'missing.yml' } }),
    code: 2,
    file: 'gone.yml',
    says: /does not exist/,
  },
  {
    name: 'a symlink to /etc/passwd',
    files: tree({ 'placements.yml': PLACEMENTS, 'passwd.yml': { link: '/etc/passwd' } }),
    code: 2,
    file: 'passwd.yml',
    says: /outside the checks folder/,
    secret: ['root:x:0'],
  },
  {
    name: 'a symlink to a dataset outside checks/',
    files: tree({ 'placements.yml': PLACEMENTS, 'other.yml': { link: '../outside.yml' } }),
    code: 2,
    file: 'other.yml',
    says: /outside the checks folder, which is not read/,
  },
  {
    name: 'a symlink to a folder outside checks/',
    files: tree({ 'placements.yml': PLACEMENTS, etc: { link: '/etc' } }),
    code: 2,
    file: 'etc',
    says: /link to a folder, which is not followed/,
  },
  {
    name: 'a symlink to its own parent folder (a loop)',
    files: tree({ 'placements.yml': PLACEMENTS, 'sub/up': { link: '..' } }),
    code: 2,
    file: 'sub/up',
    says: /link to a folder/,
  },
  {
    name: 'a symlink to a dataset inside checks/ (read twice: a duplicate id)',
    files: tree({ 'placements.yml': PLACEMENTS, 'copy.yml': { link: 'placements.yml' } }),
    code: 2,
    file: 'placements.yml',
    says: /already the id of the dataset/,
  },
  {
    name: 'hidden files and the schema folder are not read (accepted)',
    files: tree({
      'placements.yml': PLACEMENTS,
      '.draft.yml': '{{{',
      'schema/x.yml': '{{{',
      'notes.txt': '\u0000',
    }),
    code: 0,
  },

  // Control characters in values
  {
    name: 'a bell character in a dataset id',
    files: tree({ 'placements.yml': dataset('dataset: placements', 'dataset: "place\\u0007ments"') }),
    code: 2,
    file: 'placements.yml',
    says: /dataset: .*control character \(U\+0007\)/,
  },
  {
    name: 'an ANSI escape in a title',
    files: tree({
      'placements.yml': dataset('title: Trainee placements', 'title: "\\e[31mTrainee placements"'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /title: contains a control character \(U\+001B\)/,
  },
  {
    name: 'a line break in a title',
    files: tree({ 'placements.yml': dataset('title: Trainee placements', 'title: "Trainee\\nplacements"') }),
    code: 2,
    file: 'placements.yml',
    says: /title: contains a line break — write plain text on one line/,
  },
  {
    name: 'a right-to-left override in a title',
    files: tree({
      'placements.yml': dataset('title: Trainee placements', 'title: "Trainee \\u202Estnemecalp"'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /title: contains a control character \(U\+202E\)/,
  },
  {
    name: 'a control character in a contact name',
    files: {
      'stalewatch.yml': settings('name: Platform team', 'name: "Platform\\u0008team"'),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /contacts\.platform\.name: contains a control character/,
  },
  {
    name: 'a control character in a check name',
    files: tree({
      'placements.yml': dataset('- name: updated recently', '- name: "updated\\u0000recently"'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /checks\[0\]\.name: contains a control character \(U\+0000\)/,
  },
  {
    name: 'a control character in impact',
    files: tree({ 'placements.yml': dataset(/impact: .*/, 'impact: "\\u001b]0;pwned\\u0007Trainees"') }),
    code: 2,
    file: 'placements.yml',
    says: /impact: contains a control character/,
  },
  {
    name: 'a control character in a key',
    files: tree({ 'placements.yml': `${PLACEMENTS}"ti\\u001btle": x\n` }),
    code: 2,
    file: 'placements.yml',
    says: /ti\\u001btle: is not a field here/,
  },
  {
    name: 'a control character in the time zone',
    files: {
      'stalewatch.yml': settings('timezone: Europe/London', 'timezone: "Europe/London\\u0000"'),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /timezone: contains a control character/,
  },
  {
    name: 'a multi-line impact and an emoji title (accepted)',
    files: tree({
      'placements.yml': dataset(
        'impact: Trainees see out-of-date placement details.',
        'impact: |\n  Trainees see out-of-date placement details.\n  Admins too.',
      ).replace('title: Trainee placements', 'title: Trainee placements 👩‍💻'),
    }),
    code: 0,
  },

  // Durations
  {
    name: 'warnAfter: 0h',
    files: tree({ 'placements.yml': check('warnAfter', '0h') }),
    code: 2,
    file: 'placements.yml',
    says: /warnAfter: "0h" is not a duration: it is zero/,
  },
  {
    name: 'warnAfter: -1h',
    files: tree({ 'placements.yml': check('warnAfter', '-1h') }),
    code: 2,
    file: 'placements.yml',
    says: /warnAfter: "-1h" is not a duration: a length of time is not negative/,
  },
  {
    name: 'failAfter: 99999999d',
    files: tree({ 'placements.yml': check('failAfter', '99999999d') }),
    code: 2,
    file: 'placements.yml',
    says: /failAfter: "99999999d" is longer than two years.*write 730d or less/,
  },
  {
    name: 'failAfter of 25 digits',
    files: tree({ 'placements.yml': check('failAfter', '9999999999999999999999999w') }),
    code: 2,
    file: 'placements.yml',
    says: /longer than two years/,
  },
  {
    name: 'warnAfter: 1.5h',
    files: tree({ 'placements.yml': check('warnAfter', '1.5h') }),
    code: 2,
    file: 'placements.yml',
    says: /"1\.5h" is not a duration — write it as 26h/,
  },
  {
    name: 'warnAfter: 26 (a number)',
    files: tree({ 'placements.yml': check('warnAfter', '26') }),
    code: 2,
    file: 'placements.yml',
    says: /warnAfter: .*26.* is not a duration/,
  },
  {
    name: 'remindEvery: 0h',
    files: { 'stalewatch.yml': notify('  remindEvery: 0h\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /notify\.remindEvery: "0h" is not a duration: it is zero/,
  },
  {
    name: 'remindEvery: 99999999d',
    files: { 'stalewatch.yml': notify('  remindEvery: 99999999d\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /longer than two years/,
  },
  {
    name: 'runEvery: 30s',
    files: { 'stalewatch.yml': `runEvery: 30s\n${SETTINGS}`, 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /runEvery: "30s" is not whole minutes .*write 1m/,
  },
  {
    name: 'runEvery: 0m',
    files: { 'stalewatch.yml': `runEvery: 0m\n${SETTINGS}`, 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /runEvery: "0m" is not a duration: it is zero/,
  },
  {
    name: 'runEvery: 1w',
    files: { 'stalewatch.yml': `runEvery: 1w\n${SETTINGS}`, 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /runEvery: "1w" is too long: .*write 84h/,
  },
  {
    name: 'runEvery: 7m (accepted, deployed as a rate)',
    files: { 'stalewatch.yml': `runEvery: 7m\n${SETTINGS}`, 'placements.yml': PLACEMENTS },
    code: 0,
  },

  // Crons
  {
    name: 'dueBy that never fires: 0 0 30 2 *',
    files: tree({ 'placements.yml': check('failAfter', '50h\n      dueBy: "0 0 30 2 *"') }),
    code: 2,
    file: 'placements.yml',
    says: /dueBy: "0 0 30 2 \*" never fires/,
  },
  {
    name: 'dueBy that never fires: 0 0 31 4 *',
    files: tree({ 'placements.yml': check('failAfter', '50h\n      dueBy: "0 0 31 4 *"') }),
    code: 2,
    file: 'placements.yml',
    says: /never fires/,
  },
  {
    name: 'a digest that never fires',
    files: { 'stalewatch.yml': notify('  digest: "0 8 30 2 *"\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /notify\.digest: "0 8 30 2 \*" never fires/,
  },
  {
    name: 'dueBy with seconds',
    files: tree({ 'placements.yml': check('failAfter', '50h\n      dueBy: "0 0 7 * * 1-5"') }),
    code: 2,
    file: 'placements.yml',
    says: /write "0 7 \* \* 1-5"/,
  },
  {
    name: 'a digest with seconds',
    files: { 'stalewatch.yml': notify('  digest: "0 0 8 * * 1-5"\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /notify\.digest: .*write "0 8 \* \* 1-5"/,
  },
  {
    name: 'dueBy: @daily',
    files: tree({ 'placements.yml': check('failAfter', '50h\n      dueBy: "@daily"') }),
    code: 2,
    file: 'placements.yml',
    says: /write the five fields instead: "0 0 \* \* \*"/,
  },
  {
    name: 'dueBy: 99 99 99 99 99',
    files: tree({ 'placements.yml': check('failAfter', '50h\n      dueBy: "99 99 99 99 99"') }),
    code: 2,
    file: 'placements.yml',
    says: /minute 99 is out of range/,
  },
  {
    name: 'a digest on both day fields (0 8 1 * MON)',
    files: { 'stalewatch.yml': notify('  digest: "0 8 1 * MON"\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /restricts only one of the two/,
  },
  {
    name: 'a digest in the hour the clocks skip',
    files: { 'stalewatch.yml': notify('  digest: "30 1 * * *"\n'), 'placements.yml': PLACEMENTS },
    code: 2,
    file: 'stalewatch.yml',
    says: /EventBridge Scheduler skips a time that does not exist/,
  },

  // Secrets where they do not belong: refused, never echoed
  {
    name: 'a webhook URL in ${ssm://…}',
    files: {
      'stalewatch.yml': settings('${ssm:/stalewatch/slack/placements}', `\${ssm://${WEBHOOK.slice(8)}}`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /contacts\.placements-lead\.slack: is a secret/,
    secret: [SLACK_TOKEN, 'hooks.slack.com'],
  },
  {
    name: 'a webhook URL in ${ssm:/…} with one slash',
    files: {
      'stalewatch.yml': settings('${ssm:/stalewatch/slack/placements}', `\${ssm:/${WEBHOOK.slice(8)}}`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /slack: is a secret/,
    secret: [SLACK_TOKEN, 'hooks.slack.com'],
  },
  {
    name: 'a webhook URL written out as slack',
    files: {
      'stalewatch.yml': settings('${ssm:/stalewatch/slack/placements}', WEBHOOK),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /slack: is a secret/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL in ${secret:…}',
    files: {
      'stalewatch.yml': settings('${ssm:/stalewatch/slack/placements}', `\${secret:${WEBHOOK}}`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /slack: is a secret/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'an SSM parameter under /aws',
    files: {
      'stalewatch.yml': settings('${ssm:/stalewatch/slack/placements}', '${ssm:/aws/reference/x}'),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /under \/aws or \/ssm/,
  },
  {
    name: 'a connection URL with a password as resourceArn',
    files: {
      'stalewatch.yml': settings('arn:aws:rds:eu-west-2:123456789012:cluster:tis', DB_URL),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /resourceArn: this value \(not shown: it looks like a secret\) is not an ARN/,
    secret: [PASSWORD],
  },
  {
    name: 'a connection URL from ${env:} as secretArn',
    files: {
      'stalewatch.yml': settings(
        'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis',
        '${env:TIS_SECRET}',
      ),
      'placements.yml': PLACEMENTS,
    },
    env: { TIS_SECRET: DB_URL },
    code: 2,
    file: 'stalewatch.yml',
    says: /secretArn: .*not an ARN/,
    secret: [PASSWORD],
  },
  {
    name: 'a connection URL as the database name',
    files: {
      'stalewatch.yml': settings('database: tis', `database: "${DB_URL}"`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /database: is a database name, not a connection string/,
    secret: [PASSWORD],
  },
  {
    name: 'a webhook URL as a dueBy',
    files: tree({ 'placements.yml': check('failAfter', `50h\n      dueBy: "${WEBHOOK}"`) }),
    code: 2,
    file: 'placements.yml',
    says: /dueBy: this value \(not shown/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL as a duration',
    files: tree({ 'placements.yml': check('warnAfter', `"${WEBHOOK}"`) }),
    code: 2,
    file: 'placements.yml',
    says: /warnAfter: this value \(not shown/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL as an email address',
    files: {
      'stalewatch.yml': settings('audience: platform', `audience: platform\n    email: "${WEBHOOK}"`),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /email: this value \(not shown/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL as an unknown key',
    files: tree({ 'placements.yml': `${PLACEMENTS}"${WEBHOOK}": x\n` }),
    code: 2,
    file: 'placements.yml',
    says: /is not a field here/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL as a source name',
    files: tree({ 'placements.yml': dataset('source: tis', `source: "${WEBHOOK}"`) }),
    code: 2,
    file: 'placements.yml',
    says: /source: .*not a source name/,
    secret: [SLACK_TOKEN],
  },
  {
    name: 'a webhook URL as a dataset id',
    files: tree({ 'placements.yml': dataset('dataset: placements', `dataset: "${WEBHOOK}"`) }),
    code: 2,
    file: 'placements.yml',
    says: /dataset: this value \(not shown/,
    secret: [SLACK_TOKEN],
  },

  // Other values a tree should not slip through
  {
    name: 'a dataset id that climbs out (../../etc/passwd)',
    files: tree({ 'placements.yml': dataset('dataset: placements', 'dataset: ../../etc/passwd') }),
    code: 2,
    file: 'placements.yml',
    says: /is not a dataset id/,
  },
  {
    name: 'a table with SQL in it',
    files: tree({ 'placements.yml': dataset('table: public.placement', 'table: "placement; DROP TABLE x"') }),
    code: 2,
    file: 'placements.yml',
    says: /is not a plain \[schema\.\]table name/,
  },
  {
    name: 'snooze on 30 February',
    files: tree({ 'placements.yml': `${PLACEMENTS}snooze: 2026-02-30T09:00\n` }),
    code: 2,
    file: 'placements.yml',
    says: /is not a date: February 2026 has 28 days/,
  },
  {
    name: 'holidays that are a path',
    files: {
      'stalewatch.yml': settings('holidays: england-and-wales', 'holidays: ../../etc'),
      'placements.yml': PLACEMENTS,
    },
    code: 2,
    file: 'stalewatch.yml',
    says: /is not a holiday region/,
  },
  {
    name: 'checks as a map',
    files: tree({
      'placements.yml': dataset(/checks:[\s\S]*$/, 'checks:\n  freshness: {column: x, warnAfter: 1h}\n'),
    }),
    code: 2,
    file: 'placements.yml',
    says: /checks: must be a list/,
  },
  {
    name: 'checks as an empty list',
    files: tree({ 'placements.yml': dataset(/checks:[\s\S]*$/, 'checks: []\n') }),
    code: 2,
    file: 'placements.yml',
    says: /checks: is empty/,
  },
];

/** Builds a tree in a fresh folder; `outside.yml` beside it is a valid dataset for links to point at. */
function build(files: Record<string, Entry>): string {
  const parent = mkdtempSync(join(tmpdir(), 'stalewatch-nasty-'));
  writeFileSync(join(parent, 'outside.yml'), PLACEMENTS.replace('placements', 'outside'));
  const dir = join(parent, 'checks');
  mkdirSync(dir);
  for (const [path, entry] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof entry === 'string') writeFileSync(target, entry);
    else if ('bytes' in entry) writeFileSync(target, entry.bytes);
    else if ('link' in entry) symlinkSync(entry.link, target);
    else if ('folder' in entry) mkdirSync(target, { recursive: true });
    else spawnSync('mkfifo', [target]);
  }
  return dir;
}

/** A stack trace line (`    at fn (file.ts:1:2)`) or the CLI's crash prefix. */
const STACK = /^\s+at .*(\(|\s)\S+:\d+:\d+\)?$|^stalewatch: \w*Error/m;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

describe(`stalewatch validate on ${CASES.length} nasty config trees`, () => {
  const results = new Map<string, { code: number | null; out: string; dir: string }>();

  // Prepare, Act: each tree built and validated once, two at a time (the machine has two cores), for
  // the tests below to assess.
  beforeAll(async () => {
    const queue = [...CASES];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const dir = build(next.files);
        const { code, stdout, stderr } = await stalewatchAsync(['validate', '--checks', dir], next.env ?? {});
        results.set(next.name, { code, out: `${stdout}${stderr}`, dir });
      }
    };
    await Promise.all([worker(), worker()]);
  }, 600_000);

  // The trees hold 20 MB files: leave nothing behind.
  afterAll(() => {
    for (const { dir } of results.values()) rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('has at least 70 trees', () => {
    // Assess
    expect(CASES.length).toBeGreaterThanOrEqual(70);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = results.get(c.name);
    if (!result) throw new Error(`no result for ${c.name}`);
    const { code, out, dir } = result;
    // Assess: the exit code, no stack trace, no raw control character, no secret
    expect({ code, out }).toEqual({ code: c.code, out: expect.any(String) });
    expect(out).not.toMatch(STACK);
    expect(out).not.toMatch(RAW_CONTROL);
    for (const secret of c.secret ?? []) expect(out).not.toContain(secret);
    if (c.code === 0) {
      expect(out).toMatch(/is valid: \d+ datasets?/);
      return;
    }
    // a located message: file:line:column, then what is wrong
    const located = out.split('\n').filter((line) => line.startsWith(`${dir}/${c.file}:`));
    expect(located).toEqual(expect.arrayContaining([expect.stringMatching(/^\S+:\d+:\d+ /)]));
    expect(located.join('\n')).toMatch(c.says ?? /./);
  });
});
