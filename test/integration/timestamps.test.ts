import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DEFAULT_RETRY, rdsDataConnector } from '../../lib/adapters/aws/rds-data';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import type { SourceConnector } from '../../lib/app/ports';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import type { Config } from '../../lib/core/model/config';
import type { RunReport } from '../../lib/core/model/run';
import { toRunJson } from '../../lib/core/report/json';
import { formatTextReport } from '../../lib/core/report/text';
import { type Backend, openBackend } from '../../tools/data-api/backends';
import { type DataApiServer, startDataApi } from '../../tools/data-api/server';
import { stalewatchAsync } from '../helpers/cli';
import { ENGINES, MYSQL_URL, mysqlScratch, pgliteFolder, type ScratchDatabase } from '../helpers/databases';
import { SETTINGS, writeTree } from '../helpers/tree';
import {
  HEALTHY,
  POISONS,
  poisonCheckId,
  poisonedChecks,
  poisonedTables,
  VALUES_NOW,
} from '../helpers/values';

const NOW = VALUES_NOW;
const DAY_MS = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** The two ways a source is reached: its driver, and the local Data API with the real SDK client. */
type Path = 'directly' | 'through the local Data API';
const PATHS: Path[] = ['directly', 'through the local Data API'];

/**
 * A Data API stand-in whose sessions run in New York time (UTC−5, as an Aurora parameter group could
 * set it), so that any reading that leans on the session's zone shows.
 */
async function dataApiOver(db: ScratchDatabase): Promise<{ api: DataApiServer; backend: Backend }> {
  const backend = await openBackend(db.embedded ?? db.url, { sessionTimeZone: '-05:00' });
  return { api: await startDataApi(backend), backend };
}

function dataApiConnector(config: Config, db: ScratchDatabase, api: DataApiServer): SourceConnector {
  const source = { ...config.settings.sources.tis, database: db.dialect === 'mysql' ? db.namespace : 'test' };
  const client = new RDSDataClient({
    endpoint: api.url,
    region: 'eu-west-2',
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return rdsDataConnector(source as never, client, { ...DEFAULT_RETRY, clock: () => performance.now() });
}

/** Runs every check of `config` against `db` by `path`, at NOW. */
async function runOn(config: Config, db: ScratchDatabase, path: Path): Promise<RunReport> {
  if (path === 'directly') {
    const connector = connectorForUrl('tis', db.embedded ?? db.url);
    return runChecks({ config, checks: config.checks, connectors: { tis: connector }, now: NOW, runId: 'r' });
  }
  const { api, backend } = await dataApiOver(db);
  try {
    const connector = dataApiConnector(config, db, api);
    const report = await runChecks({
      config,
      checks: config.checks,
      connectors: { tis: connector },
      now: NOW,
      runId: 'r',
    });
    // One statement reads every check of the source. PostgreSQL here logs in as a role without a
    // statement_timeout of its own, so a run first looks for it and then sets it in a transaction
    // before that statement (docs/sources.md): 3 ExecuteStatement calls, still one for the checks.
    expect(api.calls).toBe(db.dialect === 'mysql' ? 1 : 3);
    return report;
  } finally {
    await api.stop();
    await backend.close();
  }
}

const byId = (report: RunReport) => new Map(report.results.map((r) => [r.check.id, r]));

describe.each(ENGINES)('reading timestamps and numbers on %s', (_engine, open) => {
  let db: ScratchDatabase;
  let config: Config;

  beforeAll(async () => {
    db = await open();
    const mysql = db.dialect === 'mysql';
    // Prepare: one table with a column of each kind; `label` picks a row for the clock-change checks.
    await db.exec(
      `CREATE TABLE ${db.namespace}.readings (id int, label varchar(20), epoch_ms bigint, epoch_us bigint, ` +
        `instant_at ${mysql ? 'TIMESTAMP(3) NULL' : 'timestamptz(3)'}, local_at ${mysql ? 'DATETIME(3)' : 'timestamp(3)'})`,
    );
    const tenDaysAgo = ago(10 * DAY_MS).getTime();
    const instant = mysql ? `'${sqlTime(ago(5 * 3_600_000))}'` : `'${sqlTime(ago(5 * 3_600_000))}+00'`;
    await db.exec(`INSERT INTO ${db.namespace}.readings VALUES
      (1, 'now', ${tenDaysAgo}, ${tenDaysAgo * 1000}, ${instant}, NULL),
      (2, 'gap', NULL, NULL, NULL, '2026-03-29 01:30:00'),
      (3, 'repeated', NULL, NULL, NULL, '2026-10-25 01:30:00')`);
    const check = (name: string, fields: string) => `  - name: ${name}\n    freshness: { ${fields} }\n`;
    config = await loadConfig({
      dir: writeTree({
        // The source says its local times are New York's: TIMESTAMP/timestamptz must not care.
        'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${db.dialect}`).replace(
          '    database: tis\n',
          '    database: tis\n    columnTimezone: America/New_York\n',
        ),
        'readings.yml':
          `dataset: readings\ntitle: Readings\nsource: tis\ntable: ${db.namespace}.readings\nowner: placements-lead\n` +
          'impact: x\naction: y\nchecks:\n' +
          check('epoch ms', 'column: epoch_ms, columnUnit: ms, failAfter: 2d') +
          check('epoch ms as seconds', 'column: epoch_ms, failAfter: 2d') +
          check('epoch us', 'column: epoch_us, columnUnit: us, failAfter: 2d') +
          check('epoch us as seconds', 'column: epoch_us, failAfter: 2d') +
          check('ids', 'column: id, failAfter: 2d') +
          check('instant', 'column: instant_at, warnAfter: 6h') +
          check(
            'gap',
            `column: local_at, where: "label = 'gap'", columnTimezone: Europe/London, failAfter: 400d`,
          ) +
          check(
            'repeated',
            `column: local_at, where: "label = 'repeated'", columnTimezone: Europe/London, failAfter: 400d`,
          ),
      }),
      env: {},
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe.each(PATHS)('%s', (path) => {
    let results: ReturnType<typeof byId>;
    beforeAll(async () => {
      results = byId(await runOn(config, db, path));
    });

    it('fails a bigint of epoch milliseconds 10 days old with columnUnit: ms, with the right age', () => {
      const r = results.get('readings/epoch-ms');
      expect(r).toMatchObject({ status: 'fail', observed: { ageSeconds: 10 * 86_400 } });
      expect(r?.lastUpdatedAt).toEqual(ago(10 * DAY_MS));
    });

    it('gives the same column read as epoch seconds an error naming the unit to write', () => {
      const r = results.get('readings/epoch-ms-as-seconds');
      expect(r?.status).toBe('error');
      expect(r?.error).toMatch(
        /^the newest epoch_ms read as epoch seconds is [\d,]+ years ahead \(after 2100\): if the column holds milliseconds, add columnUnit: ms$/,
      );
    });

    it('reads epoch microseconds with columnUnit: us, and names columnUnit: us without it', () => {
      expect(results.get('readings/epoch-us')).toMatchObject({
        status: 'fail',
        observed: { ageSeconds: 10 * 86_400 },
      });
      const r = results.get('readings/epoch-us-as-seconds');
      expect(r?.status).toBe('error');
      expect(r?.error).toMatch(/read as epoch seconds is 57 million years ahead .*add columnUnit: us$/);
    });

    it('gives an id column (small integers) an error: it does not look like a time', () => {
      const r = results.get('readings/ids');
      expect(r?.status).toBe('error');
      expect(r?.error).toMatch(
        /read as epoch seconds is 56 years ago \(before 2000\).*id does not look like a time/,
      );
    });

    it('reads an instant column 5 hours old as 5 hours old, whatever columnTimezone and the session say', () => {
      const r = results.get('readings/instant');
      expect(r).toMatchObject({ status: 'pass', observed: { ageSeconds: 5 * 3600 } });
      expect(r?.lastUpdatedAt).toEqual(ago(5 * 3_600_000));
    });

    it('reads a local time in a spring-forward gap with the offset from before the change', () => {
      expect(results.get('readings/gap')?.lastUpdatedAt?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    });

    it('reads a local time that occurs twice as the earlier instant', () => {
      expect(results.get('readings/repeated')?.lastUpdatedAt?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    });
  });

  describe('one poisoned value per check', () => {
    let poisoned: Config;
    beforeAll(async () => {
      for (const sql of poisonedTables(db.dialect, db.namespace)) await db.exec(sql);
      poisoned = await loadConfig({ dir: writeTree(poisonedChecks(db.dialect, db.namespace)), env: {} });
    });

    it.each(PATHS)('costs only its own check, %s: every other check still reports', async (path) => {
      // Act
      const report = await runOn(poisoned, db, path);
      // Assess: the healthy checks have their verdicts; each poisoned one its own.
      const results = byId(report);
      for (const [id, status] of Object.entries(HEALTHY))
        expect([id, results.get(id)?.status]).toEqual([id, status]);
      for (const p of POISONS[db.dialect]) {
        const r = results.get(poisonCheckId(p));
        expect([p.label, r?.status]).toEqual([p.label, p.status]);
        if (p.error) expect([p.label, r?.error]).toEqual([p.label, expect.stringMatching(p.error)]);
      }
      // …and the report can be shown and sent: JSON and words for every result.
      expect(() => JSON.stringify(toRunJson(report, poisoned))).not.toThrow();
      expect(formatTextReport(report, poisoned)).toContain(`${report.results.length} checks`);
    });
  });
});

describe('npx stalewatch run --format json with one poisoned value per check', () => {
  const run = (checks: string, source: string) =>
    stalewatchAsync([
      'run',
      '--checks',
      checks,
      '--source',
      `tis=${source}`,
      '--now',
      NOW.toISOString(),
      '--format',
      'json',
    ]);

  const assessCli = (
    dialect: 'postgres' | 'mysql',
    out: { code: number | null; stdout: string; stderr: string },
  ) => {
    expect(out.stderr).toBe('');
    const statuses = Object.fromEntries(
      JSON.parse(out.stdout).results.map((r: { id: string; status: string }) => [r.id, r.status]),
    );
    expect(statuses).toEqual({
      ...HEALTHY,
      ...Object.fromEntries(POISONS[dialect].map((p) => [poisonCheckId(p), p.status])),
    });
    expect(out.code).toBe(1);
  };

  it('on the embedded database: every check reports, each poisoned one with its own error', async () => {
    // Prepare
    const folder = await pgliteFolder(`${poisonedTables('postgres', 'public').join(';\n')};`);
    // Act
    const out = await run(writeTree(poisonedChecks('postgres', 'public')), `pglite:${folder}`);
    // Assess
    assessCli('postgres', out);
  });

  (MYSQL_URL ? it : it.skip)(
    'on MariaDB: every check reports, each poisoned one with its own error',
    async () => {
      const db = await mysqlScratch(MYSQL_URL as string);
      try {
        for (const sql of poisonedTables('mysql', db.namespace)) await db.exec(sql);
        const out = await run(writeTree(poisonedChecks('mysql', db.namespace)), db.url);
        assessCli('mysql', out);
      } finally {
        await db.drop();
      }
    },
  );
});
