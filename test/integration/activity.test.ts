import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runChecks } from '../../lib/app/run';
import type { CheckResult } from '../../lib/core/evaluate/types';
import type { Check } from '../../lib/core/model/config';
import type { CheckState } from '../../lib/core/model/state';
import { resultMessage } from '../../lib/core/report/message';
import { nextState, toPreviousState } from '../../lib/core/transition';
import { activity, rowCount } from '../helpers/checks';
import { ENGINES, type ScratchDatabase } from '../helpers/databases';

const HOUR = 3_600_000;

/**
 * Activity checks against the real engines: a table with no timestamp column, watched through the
 * database's own bookkeeping, run after run with the state each run leaves. The runs' times start at
 * the database's own clock (MySQL's UPDATE_TIME is the server's time), so nothing depends on the day.
 */
describe.each(ENGINES)('activity on %s', (_engine, open) => {
  let db: ScratchDatabase;
  const states = new Map<string, CheckState>();
  let start: Date;
  let check: Check;
  let hoursLater = 0;

  /** One run of the check, `hours` after the start, with the state the previous run left. */
  async function runAt(hours: number, which = check): Promise<{ result: CheckResult; message: string }> {
    if (which === check) hoursLater = hours;
    const state = states.get(which.id) ?? null;
    const now = new Date(start.getTime() + hours * HOUR);
    const connector = connectorForUrl('tis', db.embedded ?? db.url);
    const report = await runChecks({
      config: {} as never,
      checks: [which],
      connectors: { tis: connector },
      now,
      runId: `run-${hours}`,
      previous: () => toPreviousState(state),
    });
    const result = report.results[0] as CheckResult;
    states.set(which.id, nextState(state, result, [], now, `run-${hours}`));
    return { result, message: resultMessage(result, 'Europe/London', now) };
  }

  /**
   * Makes a write visible to the next statement of any session: PostgreSQL backends report their
   * counters asynchronously, and `pg_stat_force_next_flush()` (15+) reports this one's at once.
   */
  async function write(sql: string): Promise<void> {
    await db.exec(sql);
    if (db.dialect === 'postgres' && !db.embedded) await db.exec('SELECT pg_stat_force_next_flush()');
  }

  beforeAll(async () => {
    db = await open();
    await db.exec(`CREATE TABLE ${db.namespace}.grade (code varchar(8) PRIMARY KEY, label varchar(40))`);
    await db.exec(`CREATE TABLE ${db.namespace}.grade_archive (code varchar(8) PRIMARY KEY)`);
    const [row] = await db.rows<{ now: string }>(
      db.dialect === 'mysql'
        ? "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ') AS now"
        : 'SELECT to_char(now() AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') AS now',
    );
    start = new Date(String(row?.now));
    check = { ...activity({ warnAfter: '12h', failAfter: '36h' }), table: `${db.namespace}.grade` };
    // The first run of the check on `grade`, which the changes below are compared with.
    await runAt(0);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('passes on the first run, watching since then, and says "has not changed since" after failAfter', async () => {
    // Prepare: a table nothing writes to
    const quiet = { ...check, id: 'placements/quiet', table: `${db.namespace}.grade_archive` };
    // Act
    const first = await runAt(0, quiet);
    const second = await runAt(48, quiet);
    // Assess
    expect(first.result.status).toBe('pass');
    expect(first.message).toMatch(
      /watching for changes since .* whether it changes shows from the next check/,
    );
    expect(second.result.status).toBe('fail');
    expect(second.result.lastUpdatedAt).toEqual(start);
    expect(second.message).toMatch(
      /^Trainee placements has not changed since .*when Stalewatch began watching it/,
    );
    expect(second.message).toMatch(/a change was expected within 36 hours/);
    expect(second.message).toMatch(/less certain than a timestamp column/);
    expect(second.message).not.toMatch(/last updated/i);
  });

  it.each([
    ['an insert', (ns: string) => `INSERT INTO ${ns}.grade VALUES ('ST1', 'Specialty training 1')`],
    ['an update', (ns: string) => `UPDATE ${ns}.grade SET label = 'ST one' WHERE code = 'ST1'`],
    ['a delete', (ns: string) => `DELETE FROM ${ns}.grade WHERE code = 'ST1'`],
  ])('counts %s as a change', async (_what, sql) => {
    // Prepare
    const before = hoursLater;
    await write(sql(db.namespace));
    // Act: the next run, a minute on
    const { result, message } = await runAt(before + 1 / 60);
    // Assess
    expect(result.status).toBe('pass');
    expect(message).toMatch(/is changing: last change seen/);
    expect(result.lastUpdatedAt?.getTime()).toBeGreaterThan(start.getTime() - HOUR);
  });

  it('warns once no change is older than warnAfter, and fails past failAfter', async () => {
    // Act
    const soon = await runAt(hoursLater + 2);
    const late = await runAt(hoursLater + 18);
    const later = await runAt(hoursLater + 20);
    // Assess
    expect(soon.result.status).toBe('pass');
    expect(late.result.status).toBe('warn');
    expect(late.message).toMatch(/has not changed since .*: a change was expected within 12 hours/);
    expect(later.result.status).toBe('fail');
  });

  it('counts counters that went backwards as a change, and says they were reset', async () => {
    if (db.dialect === 'mysql') return; // A restart resets UPDATE_TIME: covered by the unit tests.
    // Prepare: the counters of this table back to zero (pg_stat_reset() on the private PGlite)
    await db.exec(
      db.embedded
        ? 'SELECT pg_stat_reset()'
        : `SELECT pg_stat_reset_single_table_counters('${db.namespace}.grade'::regclass)`,
    );
    // Act
    const { result, message } = await runAt(hoursLater + 1);
    // Assess
    expect(result.status).toBe('pass');
    expect(result.observed).toMatchObject({ countersReset: true });
    expect(message).toMatch(/change counters were reset since the last check .* counts as a change/);
  });

  it('runs in the same one statement as the other checks of the source', async () => {
    // Prepare
    const count = { ...rowCount({ failBelow: 0 }), table: `${db.namespace}.grade` };
    const connector = connectorForUrl('tis', db.embedded ?? db.url);
    const statements: string[] = [];
    const counting = {
      ...connector,
      connect: async (signal?: AbortSignal) => {
        const c = await connector.connect(signal);
        return {
          ...c,
          queryRow: (sql: string, s?: AbortSignal) => {
            statements.push(sql);
            return c.queryRow(sql, s);
          },
        };
      },
    };
    // Act
    const report = await runChecks({
      config: {} as never,
      checks: [check, count],
      connectors: { tis: counting },
      now: start,
      runId: 'one-statement',
    });
    // Assess
    expect(statements).toHaveLength(1);
    expect(report.results.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('makes a missing table or a view an error that says so', async () => {
    // Prepare
    await db.exec(`CREATE VIEW ${db.namespace}.grade_view AS SELECT code FROM ${db.namespace}.grade`);
    const missing = { ...check, id: 'placements/missing', table: `${db.namespace}.no_such_table` };
    const view = { ...check, id: 'placements/view', table: `${db.namespace}.grade_view` };
    // Act
    const report = await runChecks({
      config: {} as never,
      checks: [missing, view, check],
      connectors: { tis: connectorForUrl('tis', db.embedded ?? db.url) },
      now: start,
      runId: 'missing',
    });
    // Assess
    const [m, v, ok] = report.results as [CheckResult, CheckResult, CheckResult];
    expect(m.status).toBe('error');
    expect(v.status).toBe('error');
    expect(v.error).toMatch(/not a table \(a view\?\)/);
    expect(ok.status).toBe('pass');
  });
});
