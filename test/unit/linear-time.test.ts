import { redactUrlsIn } from '../../lib/adapters/sql/scrub';
import { callInWorker, type Outcome, stopWorkers } from '../helpers/in-worker';

/**
 * Values from config, from a database's rows and from its error messages are read in time linear in
 * their length (no regular expression that backtracks: ReDoS). Each test reads thirteen 100,000-character
 * strings built to make a backtracking pattern take minutes, in a worker thread, and must finish within
 * its jest timeout (`TIMEOUT_MS`): there is no timing assertion of its own. A quadratic reading of
 * one of them takes tens of seconds.
 */

const N = 100_000;
const PATHOLOGICAL: Record<string, string> = {
  'letters and dots (a.a.a…)': 'a.'.repeat(N / 2),
  'a scheme-like run with no ://': `${'a'.repeat(N)}:/`,
  'many schemes in one word (a://:a://:…)': 'a://:'.repeat(N / 5),
  'a date then spaces then junk': `2020-01-01${' '.repeat(N)}x`,
  'a date then digits': `2020-01-01T10:00:00.${'1'.repeat(N)}x`,
  'digits then junk': `${'1'.repeat(N)}x`,
  'quotes of every kind': '\'"`'.repeat(N / 3),
  'apostrophes between letters': `${"a'".repeat(N / 2)}'`,
  'at signs after a password': `postgres://u:${'@'.repeat(N)}`,
  'colons after a scheme': `mysql://${':'.repeat(N)}`,
  slashes: '/'.repeat(N),
  'token-like run': `${'aA1'.repeat(N / 3)}!`,
  'number-like characters': `${'1.1e-'.repeat(N / 5)}`,
};
const INPUTS = Object.values(PATHOLOGICAL);

/**
 * The jest timeout of these tests, which is their only bound: a linear reading takes well under a
 * second, a quadratic one 30 seconds and more. The project's 60-second default would let that pass.
 */
const TIMEOUT_MS = 10_000;
jest.setTimeout(TIMEOUT_MS);

afterEach(stopWorkers);

const values = (outcomes: Outcome[]) => outcomes.map((o) => ('value' in o ? o.value : o));

describe('reading 100,000-character pathological strings', () => {
  it('scrubs them from database errors', async () => {
    // Act
    const outcomes = await callInWorker('lib/adapters/sql/scrub.ts', 'databaseErrorText', INPUTS, {
      before: ['22P02'],
    });
    // Assess
    for (const text of values(outcomes)) expect(text).toMatch(/^database error 22P02: /);
  });

  it('scrubs their quoted values', async () => {
    // Act
    const outcomes = await callInWorker('lib/adapters/sql/scrub.ts', 'scrubQuotedValues', INPUTS);
    // Assess
    expect(values(outcomes).every((v) => typeof v === 'string')).toBe(true);
  });

  it('redacts connection strings in them', async () => {
    // Act
    const outcomes = await callInWorker('lib/adapters/sql/scrub.ts', 'redactUrlsIn', INPUTS, {
      after: ['postgres://u:secret@h/db'],
    });
    // Assess
    expect(values(outcomes).every((v) => typeof v === 'string')).toBe(true);
  });

  it('redacts them as connection URLs', async () => {
    // Act
    const outcomes = await callInWorker('lib/adapters/sql/scrub.ts', 'redactUrl', INPUTS);
    // Assess
    expect(values(outcomes).every((v) => typeof v === 'string')).toBe(true);
  });

  it('refuses them as --source URLs without showing them', async () => {
    // Act
    const outcomes = await callInWorker('lib/adapters/sql/connect.ts', 'badSourceUrlError', INPUTS, {
      before: ['--source tis=…', 'tis'],
    });
    // Assess
    for (const o of outcomes) expect(o).toEqual({ error: expect.stringMatching(/^--source tis=… does not/) });
  });

  it('refuses them as the newest value of a column, saying it is no time', async () => {
    // Prepare
    const reading = { column: 'updated_at', columnTimezone: 'UTC', columnUnit: 's', now: new Date(0) };
    // Act
    const outcomes = await callInWorker('lib/core/time/timestamp.ts', 'parseTimestamp', INPUTS, {
      after: [reading],
    });
    // Assess
    for (const o of outcomes) expect(o).toEqual({ thrown: expect.stringContaining('updated_at') });
  });

  it.each([
    ['lib/core/time/duration.ts', 'durationProblem'],
    ['lib/core/time/cron.ts', 'cronProblem'],
  ])('refuses them in config: %s %s', async (module, name) => {
    // Act
    const outcomes = await callInWorker(module, name, INPUTS);
    // Assess
    for (const o of outcomes) expect(o).toEqual({ value: expect.any(String) });
  });

  it('refuses them as date-times and time zones', async () => {
    // Act
    const dates = await callInWorker('lib/core/time/zone.ts', 'readLocalDateTime', INPUTS, {
      after: ['UTC'],
    });
    const zones = await callInWorker('lib/core/time/zone.ts', 'readTimeZone', INPUTS);
    // Assess
    for (const o of [...dates, ...zones])
      expect(o).toEqual({ value: expect.objectContaining({ problem: expect.any(String) }) });
  });

  it('shows them back shortened, or not at all', async () => {
    // Act
    const outcomes = await callInWorker('lib/core/util/quote.ts', 'quote', INPUTS);
    // Assess
    for (const o of values(outcomes)) expect(String(o).length).toBeLessThan(100);
  });
});

describe('redacting connection strings, as before', () => {
  it.each([
    ['postgres://admin:s3cret@db:5432/tis', 'postgres://admin:***@db:5432/tis'],
    ['connect to mysql://root:p@ss:w/rd@h/x failed', 'connect to mysql://root:***@h/x failed'],
    ['a postgresql+ssl://u:pw@h and b mysql://v:pw2@k', 'a postgresql+ssl://u:***@h and b mysql://v:***@k'],
    ['x.y://u:pw@h', 'x.y://u:***@h'],
    ['no password: postgres://u@h/db', 'no password: postgres://u@h/db'],
    ['two in one word a://u:p@h,b://v:q@k', 'two in one word a://u:***@k'],
  ])('%s', (text, redacted) => {
    // Act
    const shown = redactUrlsIn(text);
    // Assess
    expect(shown).toBe(redacted);
  });
});
